"""Who sees and does what with contracts and statements.

Directors and administrators see every partner's contracts and statements, compute and issue
them and decide disputes. A partner manager sees the statements of their own partner once
issued (never a draft), disputes their lines and agrees them. Nobody else sees any.
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.contracts.models import Statement, StatementState

BILLING_ROLES = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})


def _active(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def may_bill(viewer: Any) -> bool:
    return _active(viewer) and (viewer.is_superuser or viewer.role in BILLING_ROLES)


def is_partner_manager(viewer: Any) -> bool:
    return _active(viewer) and viewer.role == Role.PARTNER_MANAGER and viewer.partner_id is not None


def may_see_statements(viewer: Any) -> bool:
    return may_bill(viewer) or is_partner_manager(viewer)


def may_see(viewer: Any, statement: Statement) -> bool:
    if may_bill(viewer):
        return True
    return (
        is_partner_manager(viewer)
        and statement.contract.partner_id == viewer.partner_id
        and statement.state != StatementState.DRAFT
    )


def may_dispute(viewer: Any, statement: Statement) -> bool:
    return is_partner_manager(viewer) and may_see(viewer, statement)
