from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    REASON_REQUIRED = "reason_required"
    NOT_A_SUPERVISOR = "not_a_supervisor"
    UNKNOWN_TARGET = "unknown_target"
    MESSAGE_REQUIRED = "message_required"
    INVALID_STATE_ACTION = "invalid_state_action"
    CHAT_NOT_LIVE = "chat_not_live"
    NOT_JOINED = "not_joined"
    INVALID_JOIN_MODE = "invalid_join_mode"
    NO_SUCH_ALERT = "no_such_alert"
    INVALID_WINDOW = "invalid_window"
    INVALID_SPLIT_PERIOD = "invalid_split_period"

    @property
    def status(self) -> int:
        if self is ErrorCode.NOT_A_SUPERVISOR:
            return 403
        if self in (ErrorCode.UNKNOWN_TARGET, ErrorCode.NO_SUCH_ALERT):
            return 404
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.REASON_REQUIRED: _("Say why: every supervision action is recorded with its reason."),
    ErrorCode.NOT_A_SUPERVISOR: _("Only supervisors, directors and administrators may do this."),
    ErrorCode.UNKNOWN_TARGET: _("No such %(kind)s."),
    ErrorCode.MESSAGE_REQUIRED: _("Write the message (at most 2000 characters)."),
    ErrorCode.INVALID_STATE_ACTION: _("Unknown agent state action: %(action)s."),
    ErrorCode.CHAT_NOT_LIVE: _("This chat is no longer live."),
    ErrorCode.NOT_JOINED: _("Join this chat visibly before writing in it."),
    ErrorCode.NO_SUCH_ALERT: _("No such alert on your wallboard now: it may have ended."),
    ErrorCode.INVALID_WINDOW: _("Show the opening hours or the last 2, 4, 8 or 12 hours."),
    ErrorCode.INVALID_SPLIT_PERIOD: _(
        "Choose a day as YYYY-MM-DD and intervals of 15 or 30 minutes."
    ),
    ErrorCode.INVALID_JOIN_MODE: _("Join a chat silently or visibly, not “%(mode)s”."),
}
