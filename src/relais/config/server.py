"""How every Relais web server runs uvicorn (`relais serve`, the router beside it, benches).

WebSocket frames are not compressed: chat frames are a few hundred bytes, and
permessage-deflate (uvicorn's default) cost zlib work on every frame at both ends for
nothing (measured under bench.chat_load).

Every WebSocket is pinged every 10 s and closed when a pong has not come 10 s later: a
desktop or a widget whose network dropped without a word is closed within 20 s, and its
lease with it (docs/presence.md). Browsers answer pings themselves, even in hidden tabs.
"""

from __future__ import annotations

import asyncio
from typing import Any

APPLICATION = "relais.config.asgi:application"

UVICORN_OPTIONS: dict[str, Any] = {
    "lifespan": "on",  # config/asgi.py: a process's leases close when it stops
    "ws_per_message_deflate": False,
    "ws_ping_interval": 10.0,
    "ws_ping_timeout": 10.0,
}


def uvicorn_logging() -> dict[str, Any]:
    """With JSON logs, uvicorn leaves logging to Django's settings (its lines become JSON)."""
    from django.conf import settings

    return {"log_config": None} if settings.LOG_JSON else {}


async def serve_beside_router(server: Any) -> None:
    """Serve (a `uvicorn.Server`) with the router in a thread of this process; offers go out
    on the server's loop. The lifespan (config/asgi.py) starts the leases' heartbeat and
    closes them at the end."""
    from relais.apps.realtime.push import use_server_loop
    from relais.apps.router.runner import start_in_process

    use_server_loop(asyncio.get_running_loop())
    thread, stop = start_in_process()
    try:
        await server.serve()
    finally:
        stop.set()
        use_server_loop(None)
        await asyncio.to_thread(thread.join, 5)


def serve_with_router(*, host: str, port: int, log_level: str = "info") -> None:
    """`relais serve`: uvicorn with the router running beside it."""
    import uvicorn

    config = uvicorn.Config(
        APPLICATION,
        host=host,
        port=port,
        log_level=log_level,
        **UVICORN_OPTIONS,
        **uvicorn_logging(),
    )
    asyncio.run(serve_beside_router(uvicorn.Server(config)))
