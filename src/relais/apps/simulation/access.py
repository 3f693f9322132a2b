"""Who may use the simulator: it shows the whole organisation, so no partial scope exists.

A scenario holds every site, partner and headcount of the organisation (a scenario built from
the live configuration copies them all) and a run's results compare them: organisation-wide
planning data. Only the whole-organisation roles see it (`WHOLE_ORGANISATION_ROLES`):
directors, planners and administrators create and run scenarios and see every run; quality
analysts read scenarios and results. Supervisors (their teams), partner managers (their
partner) and agents have a partial scope: every scenario and run is "not found" to them.
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.accounts.permissions import WHOLE_ORGANISATION_ROLES
from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode

RUNNER_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER})
READER_ROLES = WHOLE_ORGANISATION_ROLES


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in READER_ROLES)


def can_run(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role in RUNNER_ROLES)


def require_runner(user: Any) -> None:
    if not can_run(user):
        raise RelaisError(ErrorCode.SIMULATION_NOT_ALLOWED)
