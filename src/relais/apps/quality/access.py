"""Who may do what in quality (docs/quality.md, "Roles").

Reading evaluations follows the organisation's scoping (`scope_for`), with one more role: a
partner's evaluator reads and scores their partner's agents only. Scoring is for quality
analysts (every agent) and partner evaluators (their partner's); forms, sampling plans,
calibration sessions and disputes are the quality analysts'. An agent reads their own.
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.organisation.scoping import NOTHING, Scope, scope_for


def _active(viewer: Any) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def quality_scope(viewer: Any) -> Scope:
    if _active(viewer) and viewer.role == Role.PARTNER_EVALUATOR and not viewer.is_superuser:
        return Scope(partner_id=viewer.partner_id) if viewer.partner_id else NOTHING
    return scope_for(viewer)


def may_read_quality(viewer: Any) -> bool:
    scope = quality_scope(viewer)
    return (
        scope.everything
        or scope.partner_id is not None
        or bool(scope.team_ids)
        or scope.agent_id is not None
    )


def is_quality_analyst(viewer: Any) -> bool:
    return _active(viewer) and (viewer.is_superuser or viewer.role == Role.QUALITY_ANALYST)


def is_partner_evaluator(viewer: Any) -> bool:
    return (
        _active(viewer) and viewer.role == Role.PARTNER_EVALUATOR and viewer.partner_id is not None
    )


def may_evaluate(viewer: Any) -> bool:
    return is_quality_analyst(viewer) or is_partner_evaluator(viewer)


def require_evaluator(viewer: Any) -> None:
    if not may_evaluate(viewer):
        raise RelaisError(AccountsErrorCode.PERMISSION_DENIED)


def require_quality_analyst(viewer: Any) -> None:
    if not is_quality_analyst(viewer):
        raise RelaisError(AccountsErrorCode.PERMISSION_DENIED)
