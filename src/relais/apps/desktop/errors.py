"""Error codes of the agent desktop."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    NOT_AN_AGENT = "not_an_agent"
    NOT_YOUR_CONTACT = "not_your_contact"
    UNKNOWN_REASON = "unknown_reason"
    ALREADY_WRAPPED_UP = "already_wrapped_up"
    NOT_HANDLED = "not_handled"
    UNKNOWN_STATE = "unknown_state"
    NOT_A_SUPERVISOR = "not_a_supervisor"
    UNKNOWN_BROADCAST = "unknown_broadcast"

    @property
    def status(self) -> int:
        if self in {ErrorCode.NOT_AN_AGENT, ErrorCode.NOT_YOUR_CONTACT, ErrorCode.NOT_A_SUPERVISOR}:
            return 403
        if self == ErrorCode.UNKNOWN_BROADCAST:
            return 404
        if self in {ErrorCode.ALREADY_WRAPPED_UP, ErrorCode.NOT_HANDLED}:
            return 409
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.NOT_AN_AGENT: _("Only an agent can use the desktop."),
    ErrorCode.NOT_YOUR_CONTACT: _("This contact is not yours."),
    ErrorCode.UNKNOWN_REASON: _("Choose a wrap-up reason from the list."),
    ErrorCode.ALREADY_WRAPPED_UP: _("This contact is already wrapped up."),
    ErrorCode.NOT_HANDLED: _("This contact was not handled: it cannot be wrapped up."),
    ErrorCode.UNKNOWN_STATE: _("Unknown state “%(value)s”."),
    ErrorCode.NOT_A_SUPERVISOR: _("Only a supervisor of this agent's team can answer."),
    ErrorCode.UNKNOWN_BROADCAST: _("No broadcast number %(value)s reached your desktop."),
}
