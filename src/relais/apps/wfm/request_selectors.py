"""Who reads, publishes and answers staffing requests, and the requests a viewer sees.

The client's administrators, directors and planners read every request and publish them; a
partner manager reads and answers only its own partner's (another partner's: not found);
nobody else sees them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.wfm.models import StaffingRequest, StaffingRequestVersion

#: The client's roles that publish requests and read every partner's.
CLIENT_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER})


def _role(viewer: Any) -> str | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return Role.ADMINISTRATOR if viewer.is_superuser else viewer.role


def can_publish(viewer: Any) -> bool:
    return _role(viewer) in CLIENT_ROLES


def can_commit(viewer: Any, request: StaffingRequest) -> bool:
    return _role(viewer) == Role.PARTNER_MANAGER and viewer.partner_id == request.partner_id


def can_read_requests(viewer: Any) -> bool:
    return can_publish(viewer) or _role(viewer) == Role.PARTNER_MANAGER


def staffing_request_list(*, viewer: Any) -> QuerySet[StaffingRequest]:
    requests = StaffingRequest.objects.select_related("partner")
    if can_publish(viewer):
        return requests
    if _role(viewer) == Role.PARTNER_MANAGER and viewer.partner_id:
        return requests.filter(partner_id=viewer.partner_id)
    return requests.none()


def staffing_request_get(*, viewer: Any, request_id: int) -> StaffingRequest:
    try:
        return staffing_request_list(viewer=viewer).get(pk=request_id)
    except ObjectDoesNotExist as missing:
        raise RelaisError(
            AccountsErrorCode.NOT_FOUND, kind=StaffingRequest._meta.verbose_name
        ) from missing


def request_version_list(*, request: StaffingRequest) -> QuerySet[StaffingRequestVersion]:
    """Every version of a request the caller got through `staffing_request_get`, newest first."""
    return request.versions.select_related("created_by", "staffing_plan").order_by("-number")


def request_version_get(*, request: StaffingRequest, number: int) -> StaffingRequestVersion:
    try:
        return request_version_list(request=request).get(number=number)
    except ObjectDoesNotExist as missing:
        raise RelaisError(
            AccountsErrorCode.NOT_FOUND, kind=StaffingRequestVersion._meta.verbose_name
        ) from missing
