"""What every part of supervision checks: who may supervise, and that an action says why.

Who may supervise: every role but agents; what they see follows `scope_for`: the whole
organisation, their partner, or their teams (docs/supervision.md, "Scope"). Coaching has its
own, narrower rule (`coaching.selectors.may_coach`).
"""

from __future__ import annotations

from typing import Any

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.errors import RelaisError
from relais.apps.organisation.scoping import scope_for
from relais.apps.supervision.errors import ErrorCode


def may_supervise(viewer: Any) -> bool:
    scope = scope_for(viewer)
    return scope.everything or scope.partner_id is not None or bool(scope.team_ids)


def require_supervision(viewer: Any) -> None:
    if not may_supervise(viewer):
        raise RelaisError(AccountsErrorCode.PERMISSION_DENIED)


def reason_required(reason: str) -> str:
    """The reason an action is recorded with, at most 500 characters; none: refused."""
    reason = (reason or "").strip()
    if not reason:
        raise RelaisError(ErrorCode.REASON_REQUIRED)
    return reason[:500]
