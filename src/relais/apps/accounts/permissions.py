"""What each role may do; what each role may *see* is decided by the selectors' scoping."""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError

#: Roles that see the whole organisation (client side and central functions).
WHOLE_ORGANISATION_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER, Role.QUALITY_ANALYST}
)


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR))


def require_administrator(user: Any) -> None:
    if not is_administrator(user):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)
