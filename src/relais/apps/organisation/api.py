"""REST API v1 of the organisation: read in the viewer's scope, write for administrators."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BaseModel

from relais.apps.accounts.auth import request_user
from relais.apps.organisation import selectors, services
from relais.apps.organisation.schemas import (
    AgentCreate,
    AgentRead,
    AgentUpdate,
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
    SiteCreate,
    SiteRead,
    SiteUpdate,
    SkillCreate,
    SkillRead,
    SkillUpdate,
    TeamCreate,
    TeamRead,
    TeamUpdate,
)

router = Router(tags=["organisation"])
NULLABLE = frozenset({"partner_id", "team_id"})


def changed_fields(payload: BaseModel) -> dict[str, Any]:
    """The fields a PATCH sets; an explicit null only clears a nullable reference."""
    return {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or name in NULLABLE
    }


@router.get("/partners", response=list[PartnerRead])
@paginate(LimitOffsetPagination)
def list_partners(request: HttpRequest) -> Any:
    return selectors.partner_list(viewer=request.user)


@router.get("/partners/{partner_id}", response=PartnerRead)
def read_partner(request: HttpRequest, partner_id: int) -> Any:
    return selectors.partner_get(viewer=request.user, partner_id=partner_id)


@router.post("/partners", response={201: PartnerRead})
def create_partner(request: HttpRequest, payload: PartnerCreate) -> Any:
    return Status(
        201, services.partner_create(actor=request_user(request), fields=payload.model_dump())
    )


@router.patch("/partners/{partner_id}", response=PartnerRead)
def update_partner(request: HttpRequest, partner_id: int, payload: PartnerUpdate) -> Any:
    partner = selectors.partner_get(viewer=request.user, partner_id=partner_id)
    return services.partner_update(
        actor=request_user(request), partner=partner, fields=changed_fields(payload)
    )


@router.get("/sites", response=list[SiteRead])
@paginate(LimitOffsetPagination)
def list_sites(request: HttpRequest) -> Any:
    return selectors.site_list(viewer=request.user)


@router.get("/sites/{site_id}", response=SiteRead)
def read_site(request: HttpRequest, site_id: int) -> Any:
    return selectors.site_get(viewer=request.user, site_id=site_id)


@router.post("/sites", response={201: SiteRead})
def create_site(request: HttpRequest, payload: SiteCreate) -> Any:
    site = services.site_create(actor=request_user(request), fields=payload.model_dump())
    return Status(201, selectors.site_get(viewer=request.user, site_id=site.pk))


@router.patch("/sites/{site_id}", response=SiteRead)
def update_site(request: HttpRequest, site_id: int, payload: SiteUpdate) -> Any:
    site = selectors.site_get(viewer=request.user, site_id=site_id)
    services.site_update(actor=request_user(request), site=site, fields=changed_fields(payload))
    return selectors.site_get(viewer=request.user, site_id=site_id)


@router.get("/teams", response=list[TeamRead])
@paginate(LimitOffsetPagination)
def list_teams(request: HttpRequest) -> Any:
    return selectors.team_list(viewer=request.user)


@router.get("/teams/{team_id}", response=TeamRead)
def read_team(request: HttpRequest, team_id: int) -> Any:
    return selectors.team_get(viewer=request.user, team_id=team_id)


@router.post("/teams", response={201: TeamRead})
def create_team(request: HttpRequest, payload: TeamCreate) -> Any:
    team = services.team_create(actor=request_user(request), fields=payload.model_dump())
    return Status(201, selectors.team_get(viewer=request.user, team_id=team.pk))


@router.patch("/teams/{team_id}", response=TeamRead)
def update_team(request: HttpRequest, team_id: int, payload: TeamUpdate) -> Any:
    team = selectors.team_get(viewer=request.user, team_id=team_id)
    services.team_update(actor=request_user(request), team=team, fields=changed_fields(payload))
    return selectors.team_get(viewer=request.user, team_id=team_id)


@router.get("/skills", response=list[SkillRead])
@paginate(LimitOffsetPagination)
def list_skills(request: HttpRequest) -> Any:
    return selectors.skill_list(viewer=request.user)


@router.get("/skills/{skill_id}", response=SkillRead)
def read_skill(request: HttpRequest, skill_id: int) -> Any:
    return selectors.skill_get(viewer=request.user, skill_id=skill_id)


@router.post("/skills", response={201: SkillRead})
def create_skill(request: HttpRequest, payload: SkillCreate) -> Any:
    return Status(
        201, services.skill_create(actor=request_user(request), fields=payload.model_dump())
    )


@router.patch("/skills/{skill_id}", response=SkillRead)
def update_skill(request: HttpRequest, skill_id: int, payload: SkillUpdate) -> Any:
    skill = selectors.skill_get(viewer=request.user, skill_id=skill_id)
    return services.skill_update(
        actor=request_user(request), skill=skill, fields=changed_fields(payload)
    )


@router.get("/agents", response=list[AgentRead])
@paginate(LimitOffsetPagination)
def list_agents(request: HttpRequest) -> Any:
    return selectors.agent_list(viewer=request.user)


@router.get("/agents/{agent_id}", response=AgentRead)
def read_agent(request: HttpRequest, agent_id: int) -> Any:
    return selectors.agent_get(viewer=request.user, agent_id=agent_id)


@router.post("/agents", response={201: AgentRead})
def create_agent(request: HttpRequest, payload: AgentCreate) -> Any:
    agent = services.agent_create(actor=request_user(request), fields=payload.model_dump())
    return Status(201, selectors.agent_get(viewer=request.user, agent_id=agent.pk))


@router.patch("/agents/{agent_id}", response=AgentRead)
def update_agent(request: HttpRequest, agent_id: int, payload: AgentUpdate) -> Any:
    agent = selectors.agent_get(viewer=request.user, agent_id=agent_id)
    services.agent_update(actor=request_user(request), agent=agent, fields=changed_fields(payload))
    return selectors.agent_get(viewer=request.user, agent_id=agent_id)
