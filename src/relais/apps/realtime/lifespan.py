"""The ASGI lifespan of a web process (`config/asgi.py`): the heartbeat of its connections'
leases starts with it, and when it stops, after uvicorn has closed every WebSocket, the
leases still open are closed at once, not left to go stale (docs/presence.md)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.db import DatabaseError, connection

from relais.apps.realtime.consumers import heartbeat_start
from relais.apps.realtime.services import leases_close_process

logger = logging.getLogger(__name__)


def close_leases() -> None:
    """This process stops: its connections end now, not when they go stale."""
    try:
        leases_close_process()
    except DatabaseError:
        logger.exception("could not close this server's connections")
    finally:
        connection.close()


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            heartbeat_start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await asyncio.to_thread(close_leases)
            await send({"type": "lifespan.shutdown.complete"})
            return
