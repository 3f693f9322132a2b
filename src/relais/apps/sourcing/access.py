"""Who sees the sourcing comparison and who imports reported figures (docs/sourcing.md).

The comparison: the whole organisation's roles see every line (costs of the company's own
sites included); a partner manager only its own partner's lines, as on the volume split page;
everyone else nothing (404). Reported figures: directors and administrators import any
partner's, a partner manager only its own; the same people read them.
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.organisation.models import Partner
from relais.apps.organisation.scoping import scope_for

IMPORTING_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR})


def _partner_manager(viewer: Any) -> bool:
    return (
        getattr(viewer, "role", None) == Role.PARTNER_MANAGER
        and getattr(viewer, "partner_id", None) is not None
    )


def visible_partner_ids(viewer: Any) -> set[int] | None:
    """The partners whose lines the viewer sees; None for all (and the company's own)."""
    scope = scope_for(viewer)
    if scope.everything:
        return None
    if scope.partner_id is not None and _partner_manager(viewer):
        return {scope.partner_id}
    return set()


def may_compare(viewer: Any) -> bool:
    return visible_partner_ids(viewer) != set()


def may_import(viewer: Any) -> bool:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    return viewer.is_superuser or viewer.role in IMPORTING_ROLES or _partner_manager(viewer)


def importable_partners(viewer: Any) -> Any:
    """The partners whose figures the viewer may import and read."""
    if not may_import(viewer):
        return Partner.objects.none()
    if viewer.is_superuser or viewer.role in IMPORTING_ROLES:
        return Partner.objects.all()
    return Partner.objects.filter(pk=viewer.partner_id)
