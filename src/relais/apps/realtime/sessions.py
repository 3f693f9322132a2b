"""Sockets obey the session (docs/security.md, "Live connections").

Every signed-in consumer (`SessionBoundConsumer`) joins two groups: its user's
(`user_group`) and its session's (`session_group`). Ending them is a push to one of those
groups, sent after commit, in every web process (the channel layer reaches them all):

- `sockets_close_for_user(user_id=…, reason=…)`: every socket of the person (deactivated,
  password changed, a credential revoked);
- `sockets_close_for_session(session_key=…, reason=…)`: the sockets opened with one session
  (that browser logged out, or its session was deleted).

Each consumer that receives it sends a last frame `{"type": "session.ended", "reason",
"message"}` and closes with `CLOSE_SESSION_ENDED` (4401). The signals that call these are in
`accounts/sockets.py`.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.realtime.push import send_frame_on_commit

#: The close code of a socket whose session ended (as HTTP's 401: sign in again).
CLOSE_SESSION_ENDED = 4401
#: The consumers' method that ends them (`session.end` messages).
HANDLER = "session.end"


class SessionEndReason(StrEnum):
    LOGGED_OUT = "logged_out"
    DEACTIVATED = "deactivated"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - a reason, not a token
    SESSION_ENDED = "session_ended"

    @property
    def message(self) -> Promise:
        return _MESSAGES[self]


_MESSAGES = {
    SessionEndReason.LOGGED_OUT: _("Your session ended: you signed out."),
    SessionEndReason.DEACTIVATED: _("Your session ended: your account was deactivated."),
    SessionEndReason.PASSWORD_CHANGED: _(
        "Your session ended: your password was changed. Sign in again."
    ),
    SessionEndReason.TOKEN_REVOKED: _("Your session ended: a credential of yours was revoked."),
    SessionEndReason.SESSION_ENDED: _("Your session ended. Sign in again."),
}


def user_group(user_id: int) -> str:
    """Every signed-in socket of one person."""
    return f"user-{user_id}"


def session_group(session_key: str) -> str:
    """The sockets opened with one session (named by a digest: the key stays secret)."""
    digest = hashlib.sha256(session_key.encode()).hexdigest()[:32]
    return f"session-{digest}"


def sockets_close_for_user(*, user_id: int, reason: SessionEndReason) -> None:
    """Close every open WebSocket of the user, in every web process, once the current
    transaction commits (at once outside one). Call it wherever a person's right to be
    signed in ends: deactivation, password change, revocation of a credential."""
    send_frame_on_commit(user_group(user_id), {"reason": reason.value}, handler=HANDLER)


def sockets_close_for_session(*, session_key: str, reason: SessionEndReason) -> None:
    """Close the WebSockets opened with the session `session_key` (a browser that logged
    out, a session deleted), after commit."""
    send_frame_on_commit(session_group(session_key), {"reason": reason.value}, handler=HANDLER)
