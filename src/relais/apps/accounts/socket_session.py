"""WebSockets use the browser's session as pages do, under the same conditions: a session left
idle too long, or still owing the second factor, opens no socket (its person is anonymous to
the consumer). Wraps the consumers inside Channels' AuthMiddlewareStack (config/asgi.py)."""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from relais.apps.accounts.middleware import session_idle
from relais.apps.accounts.two_factor import second_factor_needed


def socket_session_complete(user: Any, session: Any) -> bool:
    """Whether a signed-in person's session may open a socket: used recently enough, and, if
    they owe a second factor, given with a confirmed device of theirs."""
    if session is None or session_idle(session, time.time()):
        return False
    if not second_factor_needed(user):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


class SocketSessionGuard:
    """ASGI middleware for WebSocket routes, inside AuthMiddlewareStack."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if getattr(user, "is_authenticated", False):
            complete = await database_sync_to_async(socket_session_complete)(
                user, scope.get("session")
            )
            if not complete:
                scope = {**scope, "user": AnonymousUser()}
        return await self.inner(scope, receive, send)
