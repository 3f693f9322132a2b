"""Who switches a crisis mode, and who sees whether one is on.

Switching changes queues, messages and articles across every site and partner at once, so
only the roles that steer the live routing do it (`router.access`: administrators and
directors). Supervisors and partner managers see only whether a mode is on, its name and the
briefing it sent (whose acknowledgements their briefings page scopes to their agents).
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.crisis.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.router.access import may_steer

WATCHING_ROLES = frozenset({Role.SUPERVISOR, Role.PARTNER_MANAGER})


def may_switch(viewer: Any) -> bool:
    return may_steer(viewer)


def may_see_state(viewer: Any) -> bool:
    return may_switch(viewer) or bool(
        getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and viewer.role in WATCHING_ROLES
    )


def require_switching(viewer: Any) -> None:
    if not may_switch(viewer):
        raise RelaisError(ErrorCode.SWITCHING_NOT_ALLOWED)
