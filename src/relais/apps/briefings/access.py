"""Who may publish a briefing, and who may follow its acknowledgements.

Publishing: administrators, directors and supervisors (a supervisor's briefing reaches only
the agents of their teams: the audience is always cut to the author's scope). Following:
every role that supervises (the whole organisation, a partner's managers, a team's
supervisors), each seeing only the agents in their scope; an agent sees only their own.
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.briefings.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.organisation.scoping import scope_for

PUBLISHER_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.SUPERVISOR})


def may_publish(viewer: Any) -> bool:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    return bool(viewer.is_superuser or viewer.role in PUBLISHER_ROLES)


def require_publisher(viewer: Any) -> None:
    if not may_publish(viewer):
        raise RelaisError(ErrorCode.PUBLISHING_NOT_ALLOWED)


def may_follow(viewer: Any) -> bool:
    scope = scope_for(viewer)
    return scope.everything or scope.partner_id is not None or bool(scope.team_ids)
