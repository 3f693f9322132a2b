"""Who may use the simulator: it shows the whole organisation, so no partial scope exists.

Directors, planners and administrators create and run scenarios and see every run;
supervisors and quality analysts read results; partner managers and agents get "not found".
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode

RUNNER_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER})
READER_ROLES = RUNNER_ROLES | {Role.SUPERVISOR, Role.QUALITY_ANALYST}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in READER_ROLES)


def can_run(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in RUNNER_ROLES)


def require_runner(user: Any) -> None:
    if not can_run(user):
        raise RelaisError(ErrorCode.SIMULATION_NOT_ALLOWED)
