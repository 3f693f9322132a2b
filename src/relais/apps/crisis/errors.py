from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    SWITCHING_NOT_ALLOWED = "crisis_switching_not_allowed"
    REASON_REQUIRED = "crisis_reason_required"
    ANOTHER_MODE_ON = "crisis_another_mode_on"
    ALREADY_IN_STATE = "crisis_already_in_state"

    @property
    def status(self) -> int:
        return {ErrorCode.SWITCHING_NOT_ALLOWED: 403}.get(self, 400)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.SWITCHING_NOT_ALLOWED: _(
        "Only directors and administrators switch a crisis mode on or off."
    ),
    ErrorCode.REASON_REQUIRED: _("Give the reason for switching the crisis mode."),
    ErrorCode.ANOTHER_MODE_ON: _("Another crisis mode is on: switch it off first."),
    ErrorCode.ALREADY_IN_STATE: _("This crisis mode is already in that state."),
}
