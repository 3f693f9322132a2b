"""Who steers the live routing: queue priorities and overflow steps move traffic between
sites and between companies (the client and its partners), so only organisation-wide roles
that answer for the whole contact centre change them: administrators and directors.

Supervisors and partner managers see the queues (their definition is the client's
configuration, readable by every signed-in person) but do not steer them; planners plan
staffing and schedules, they do not route live traffic (docs/supervision.md, "Scope").
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.router.errors import ErrorCode

#: Roles that change queue priorities and open or close overflow steps.
STEERING_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


def may_steer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in STEERING_ROLES)
    )


def require_steering(user: Any) -> None:
    """Refused with 403 `steering_not_allowed`: the queue is visible, the action is not."""
    if not may_steer(user):
        raise RelaisError(ErrorCode.STEERING_NOT_ALLOWED)
