"""Error codes of the voice channel; each carries the SIP answer the voice service gives
when a call cannot go on (`sip_status`)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    UNKNOWN_NUMBER = "unknown_number"
    QUEUE_CLOSED = "queue_closed"
    NOT_VOICE_QUEUE = "not_voice_queue"
    UNKNOWN_CALL = "unknown_call"
    DUPLICATE_CALL = "duplicate_call"
    UNKNOWN_CALL_EVENT = "unknown_call_event"
    UNKNOWN_AGENT = "unknown_agent"
    BAD_HUNG_UP_BY = "bad_hung_up_by"
    UNKNOWN_TRANSFER_TARGET = "unknown_transfer_target"
    NOT_ON_A_CALL = "not_on_a_call"
    CONSULT_TARGET = "consult_target"
    CONSULT_QUEUE = "consult_queue"
    NO_AGENT_FREE = "no_agent_free"
    CONSULT_IN_PROGRESS = "consult_in_progress"
    NO_CONSULT = "no_consult"
    COLLEAGUE_NOT_ANSWERED = "colleague_not_answered"

    @property
    def status(self) -> int:
        if self in {ErrorCode.UNKNOWN_NUMBER, ErrorCode.UNKNOWN_CALL}:
            return 404
        if self in {
            ErrorCode.QUEUE_CLOSED,
            ErrorCode.DUPLICATE_CALL,
            ErrorCode.NOT_ON_A_CALL,
            ErrorCode.CONSULT_IN_PROGRESS,
            ErrorCode.NO_AGENT_FREE,
            ErrorCode.NO_CONSULT,
            ErrorCode.COLLEAGUE_NOT_ANSWERED,
        }:
            return 409
        return 400

    @property
    def sip_status(self) -> int:
        """The SIP answer to the caller's INVITE (or to a request in its dialog)."""
        return _SIP.get(self, 500)

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_SIP = {
    ErrorCode.UNKNOWN_NUMBER: 404,  # Not Found
    ErrorCode.QUEUE_CLOSED: 480,  # Temporarily Unavailable (with the closed prompt)
    ErrorCode.UNKNOWN_CALL: 481,  # Call/Transaction Does Not Exist
    ErrorCode.DUPLICATE_CALL: 482,  # Loop Detected: the same Call-ID for another contact
}

_MESSAGES = {
    ErrorCode.UNKNOWN_NUMBER: _("No queue answers the number “%(value)s”."),
    ErrorCode.QUEUE_CLOSED: _("The queue “%(value)s” is closed now."),
    ErrorCode.NOT_VOICE_QUEUE: _("The queue “%(value)s” does not take calls."),
    ErrorCode.UNKNOWN_CALL: _("No call is known as “%(value)s”."),
    ErrorCode.DUPLICATE_CALL: _("The call “%(value)s” is already recorded for another number."),
    ErrorCode.UNKNOWN_CALL_EVENT: _("Unknown call event “%(value)s”."),
    ErrorCode.UNKNOWN_AGENT: _("Unknown agent %(value)s."),
    ErrorCode.BAD_HUNG_UP_BY: _("Who hung up must be caller, agent or system, not “%(value)s”."),
    ErrorCode.UNKNOWN_TRANSFER_TARGET: _(
        "A call can be transferred to a number of a queue or to an agent (agent-<id>), not to "
        "“%(value)s”."
    ),
    ErrorCode.NOT_ON_A_CALL: _("Contact %(value)s is not a call you are talking on."),
    ErrorCode.CONSULT_TARGET: _(
        "Consult a colleague who is logged in, other than yourself (not agent %(value)s)."
    ),
    ErrorCode.CONSULT_QUEUE: _(
        "You may consult a queue of your transfer list only, not “%(value)s”."
    ),
    ErrorCode.NO_AGENT_FREE: _(
        "Nobody of the queue “%(value)s” is free to take your consultation now: try again in "
        "a moment, or transfer the call to the queue."
    ),
    ErrorCode.CONSULT_IN_PROGRESS: _("You are already consulting a colleague on this call."),
    ErrorCode.NO_CONSULT: _("You are not consulting a colleague on this call."),
    ErrorCode.COLLEAGUE_NOT_ANSWERED: _(
        "Your colleague has not answered yet: the call can be handed over once they have."
    ),
}
