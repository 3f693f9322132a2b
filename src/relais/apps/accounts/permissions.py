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


#: Roles that may hold API tokens: those whose work reaches beyond one screen (reports, planning,
#: integrations, a partner's own BI). Agents are not among them: their work is the desktop, and
#: a token is a credential that leaves the supervised screen, with customers' data behind it.
API_TOKEN_ROLES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.DIRECTOR,
        Role.PLANNER,
        Role.QUALITY_ANALYST,
        Role.PARTNER_MANAGER,
        Role.SUPERVISOR,
    }
)

#: Roles that must sign in with a second factor (superusers too): they change the organisation
#: or see a whole partner's or company's data (a partner evaluator reads the conversations of
#: every agent of their partner). Others may choose one.
TWO_FACTOR_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DIRECTOR, Role.PARTNER_MANAGER, Role.PARTNER_EVALUATOR}
)


def may_hold_api_tokens(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role in API_TOKEN_ROLES))


def two_factor_required(user: Any) -> bool:
    return bool(user.is_superuser or user.role in TWO_FACTOR_ROLES)
