"""REST API v1 of the organisation: read in the viewer's scope, write for administrators.

Every resource has the same five endpoints (list, read, create, update), declared once by
`add_resource` from its schemas, selectors and services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel

from relais.apps.accounts.auth import request_user
from relais.apps.accounts.models import User
from relais.apps.organisation import schemas, selectors, services
from relais.apps.pagination import Page

router = Router(tags=["organisation"])
NULLABLE = frozenset({"partner_id", "team_id"})


def changed_fields(payload: BaseModel) -> dict[str, Any]:
    """The fields a PATCH sets; an explicit null only clears a nullable reference."""
    return {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or name in NULLABLE
    }


@dataclass(frozen=True)
class Resource:
    name: str  # plural, as in the URL
    read: type[Schema]
    create: type[Schema]
    update: type[Schema]
    list_in_scope: Callable[[Any], QuerySet[Any]]
    get_in_scope: Callable[[Any, int], Model]
    create_service: Callable[[User, dict[str, Any]], Model]
    update_service: Callable[[User, Any, dict[str, Any]], Model]


def add_resource(resource: Resource) -> None:
    name = resource.name
    singular = name[:-1]

    @router.get(f"/{name}", response=list[resource.read], operation_id=f"list_{name}")  # type: ignore[name-defined]
    @paginate(Page)
    def list_objects(request: HttpRequest) -> Any:
        return resource.list_in_scope(request.user)

    @router.get(f"/{name}/{{object_id}}", response=resource.read, operation_id=f"read_{singular}")
    def read_object(request: HttpRequest, object_id: int) -> Any:
        return resource.get_in_scope(request.user, object_id)

    @router.post(f"/{name}", response={201: resource.read}, operation_id=f"create_{singular}")
    def create_object(request: HttpRequest, payload: resource.create) -> Any:  # type: ignore[name-defined]
        created = resource.create_service(request_user(request), payload.model_dump())
        return Status(201, resource.get_in_scope(request.user, created.pk))

    @router.patch(
        f"/{name}/{{object_id}}", response=resource.read, operation_id=f"update_{singular}"
    )
    def update_object(request: HttpRequest, object_id: int, payload: resource.update) -> Any:  # type: ignore[name-defined]
        target = resource.get_in_scope(request.user, object_id)
        resource.update_service(request_user(request), target, changed_fields(payload))
        return resource.get_in_scope(request.user, object_id)


for _resource in (
    Resource(
        "partners",
        schemas.PartnerRead,
        schemas.PartnerCreate,
        schemas.PartnerUpdate,
        lambda viewer: selectors.partner_list(viewer=viewer),
        lambda viewer, pk: selectors.partner_get(viewer=viewer, partner_id=pk),
        lambda actor, fields: services.partner_create(actor=actor, fields=fields),
        lambda actor, obj, fields: services.partner_update(actor=actor, partner=obj, fields=fields),
    ),
    Resource(
        "sites",
        schemas.SiteRead,
        schemas.SiteCreate,
        schemas.SiteUpdate,
        lambda viewer: selectors.site_list(viewer=viewer),
        lambda viewer, pk: selectors.site_get(viewer=viewer, site_id=pk),
        lambda actor, fields: services.site_create(actor=actor, fields=fields),
        lambda actor, obj, fields: services.site_update(actor=actor, site=obj, fields=fields),
    ),
    Resource(
        "teams",
        schemas.TeamRead,
        schemas.TeamCreate,
        schemas.TeamUpdate,
        lambda viewer: selectors.team_list(viewer=viewer),
        lambda viewer, pk: selectors.team_get(viewer=viewer, team_id=pk),
        lambda actor, fields: services.team_create(actor=actor, fields=fields),
        lambda actor, obj, fields: services.team_update(actor=actor, team=obj, fields=fields),
    ),
    Resource(
        "skills",
        schemas.SkillRead,
        schemas.SkillCreate,
        schemas.SkillUpdate,
        lambda viewer: selectors.skill_list(viewer=viewer),
        lambda viewer, pk: selectors.skill_get(viewer=viewer, skill_id=pk),
        lambda actor, fields: services.skill_create(actor=actor, fields=fields),
        lambda actor, obj, fields: services.skill_update(actor=actor, skill=obj, fields=fields),
    ),
    Resource(
        "agents",
        schemas.AgentRead,
        schemas.AgentCreate,
        schemas.AgentUpdate,
        lambda viewer: selectors.agent_list(viewer=viewer),
        lambda viewer, pk: selectors.agent_get(viewer=viewer, agent_id=pk),
        lambda actor, fields: services.agent_create(actor=actor, fields=fields),
        lambda actor, obj, fields: services.agent_update(actor=actor, agent=obj, fields=fields),
    ),
):
    add_resource(_resource)
