from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    UNKNOWN_QUEUE = "unknown_queue"
    QUEUE_INACTIVE = "queue_inactive"
    CHANNEL_MISMATCH = "channel_mismatch"
    INVALID_TRANSITION = "invalid_transition"
    UNKNOWN_BREAK_REASON = "unknown_break_reason"
    NOT_YOUR_OFFER = "not_your_offer"
    OFFER_EXPIRED = "offer_expired"
    NOT_AN_AGENT = "not_an_agent"
    AGENT_INACTIVE = "agent_inactive"
    ALREADY_LOGGED_IN = "already_logged_in"
    NOT_LOGGED_IN = "not_logged_in"
    NOT_ON_BREAK = "not_on_break"
    UNKNOWN_AGENT = "unknown_agent"
    TRANSFER_TARGET = "transfer_target"
    ATTRIBUTES_TOO_LARGE = "attributes_too_large"

    @property
    def status(self) -> int:
        if self in {ErrorCode.NOT_YOUR_OFFER, ErrorCode.NOT_AN_AGENT}:
            return 403
        if self in {ErrorCode.UNKNOWN_QUEUE, ErrorCode.UNKNOWN_AGENT}:
            return 400
        if self in _CONFLICTS:
            return 409
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_CONFLICTS = {
    ErrorCode.INVALID_TRANSITION,
    ErrorCode.OFFER_EXPIRED,
    ErrorCode.ALREADY_LOGGED_IN,
    ErrorCode.NOT_LOGGED_IN,
    ErrorCode.NOT_ON_BREAK,
}

_MESSAGES = {
    ErrorCode.UNKNOWN_QUEUE: _("Unknown queue “%(value)s”."),
    ErrorCode.QUEUE_INACTIVE: _("The queue “%(value)s” is not active."),
    ErrorCode.CHANNEL_MISMATCH: _(
        "The queue “%(queue)s” takes %(expected)s contacts, not %(given)s."
    ),
    ErrorCode.INVALID_TRANSITION: _("The contact is %(state)s: it cannot be %(action)s."),
    ErrorCode.UNKNOWN_BREAK_REASON: _("Unknown break reason “%(value)s”."),
    ErrorCode.NOT_YOUR_OFFER: _("This contact is not offered to you or handled by you."),
    ErrorCode.OFFER_EXPIRED: _("The offer has expired."),
    ErrorCode.NOT_AN_AGENT: _("Only an agent, their supervisor or an administrator may do this."),
    ErrorCode.AGENT_INACTIVE: _("This agent is not active."),
    ErrorCode.ALREADY_LOGGED_IN: _("The agent is already logged in."),
    ErrorCode.NOT_LOGGED_IN: _("The agent is not logged in."),
    ErrorCode.NOT_ON_BREAK: _("The agent is not on a break."),
    ErrorCode.UNKNOWN_AGENT: _("Unknown agent %(value)s."),
    ErrorCode.TRANSFER_TARGET: _("Give either a queue or an agent to transfer to."),
    ErrorCode.ATTRIBUTES_TOO_LARGE: _("The contact's attributes are too large."),
}
