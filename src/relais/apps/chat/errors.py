"""Error codes of the web chat (the WebSocket protocol's own are in `realtime/errors.py`)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    UNKNOWN_TOPIC = "unknown_topic"
    INVALID_FORM = "invalid_form"
    BAD_TOKEN = "bad_token"  # noqa: S105 - an error code
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - an error code
    CHAT_ENDED = "chat_ended"
    NOT_YOUR_CHAT = "not_your_chat"
    EMPTY_MESSAGE = "empty_message"
    NO_QUEUE = "no_queue"
    TOO_LATE = "too_late"
    # the pre-chat form's endpoint (chat/endpoint.py)
    TOO_LARGE = "too_large"
    BAD_HOST = "bad_host"
    # the signed customer identity (chat/identity.py)
    IDENTITY_INVALID = "identity_invalid"
    IDENTITY_EXPIRED = "identity_expired"

    @property
    def status(self) -> int:
        if self is ErrorCode.BAD_TOKEN:
            return 401
        if self is ErrorCode.TOKEN_EXPIRED:
            return 410
        if self is ErrorCode.NOT_YOUR_CHAT:
            return 403
        if self in {ErrorCode.CHAT_ENDED, ErrorCode.TOO_LATE}:
            return 409
        if self is ErrorCode.TOO_LARGE:
            return 413
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.UNKNOWN_TOPIC: _("Unknown topic “%(value)s”."),
    ErrorCode.INVALID_FORM: _("Please check the form: %(detail)s"),
    ErrorCode.BAD_TOKEN: _("This chat does not exist or has expired."),
    ErrorCode.TOKEN_EXPIRED: _(
        "This chat has ended and its link has expired: the conversation can no longer be shown."
    ),
    ErrorCode.CHAT_ENDED: _("This chat has ended."),
    ErrorCode.NOT_YOUR_CHAT: _("This conversation is not yours."),
    ErrorCode.EMPTY_MESSAGE: _("A message cannot be empty."),
    ErrorCode.NO_QUEUE: _("Nobody can take this request at the moment."),
    ErrorCode.TOO_LATE: _("This can no longer be done."),
    ErrorCode.TOO_LARGE: _("This request is larger than %(limit)s bytes."),
    ErrorCode.BAD_HOST: _("This server does not answer for the host “%(value)s”."),
    ErrorCode.IDENTITY_INVALID: _(
        "Your customer account could not be confirmed: you are chatting as a guest."
    ),
    ErrorCode.IDENTITY_EXPIRED: _(
        "Your sign-in has expired: you are chatting as a guest. Reload the page to chat "
        "with your customer account."
    ),
}
