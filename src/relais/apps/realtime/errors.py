"""Error codes of the WebSocket protocol every consumer speaks (docs/events-protocol.md)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.errors import ErrorCodeBase


class ErrorCode(ErrorCodeBase):
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_TYPE = "unknown_type"
    FRAME_TOO_LARGE = "frame_too_large"
    TOO_MANY_FRAMES = "too_many_frames"
    INVALID_FRAME = "invalid_frame"
    NOT_AUTHENTICATED = "not_authenticated"
    TOO_FAST = "too_fast"  # a rate limit (realtime/ratelimit.py): `seconds` to wait

    @property
    def status(self) -> int:
        if self is ErrorCode.NOT_AUTHENTICATED:
            return 401
        if self is ErrorCode.FRAME_TOO_LARGE:
            return 413
        if self is ErrorCode.TOO_FAST:
            return 429
        return 400

    @property
    def template(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    ErrorCode.MALFORMED_JSON: _("This frame is not valid JSON."),
    ErrorCode.UNKNOWN_TYPE: _("Unknown frame type “%(value)s”."),
    ErrorCode.FRAME_TOO_LARGE: _("This frame is larger than %(limit)s bytes."),
    ErrorCode.TOO_MANY_FRAMES: _(
        "Too many frames are waiting (over %(limit)s): this one was dropped; wait for the answers."
    ),
    ErrorCode.INVALID_FRAME: _("This frame is not valid: %(detail)s"),
    ErrorCode.NOT_AUTHENTICATED: _("Say hello with your credentials first."),
    ErrorCode.TOO_FAST: _("Too fast: this was not sent. Retry in %(seconds)s s."),
}
