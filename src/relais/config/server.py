"""How every Relais web server runs uvicorn (`relais serve`, the router beside it, benches).

WebSocket frames are not compressed: chat frames are a few hundred bytes, and
permessage-deflate (uvicorn's default) cost zlib work on every frame at both ends for
nothing (measured under bench.chat_load).

Every WebSocket is pinged every 10 s and closed when a pong has not come 10 s later: a
desktop or a widget whose network dropped without a word is closed within 20 s, and its
lease with it (docs/presence.md). Browsers answer pings themselves, even in hidden tabs.
"""

from __future__ import annotations

from typing import Any

APPLICATION = "relais.config.asgi:application"

UVICORN_OPTIONS: dict[str, Any] = {
    "lifespan": "on",  # config/asgi.py: a process's leases close when it stops
    "ws_per_message_deflate": False,
    "ws_ping_interval": 10.0,
    "ws_ping_timeout": 10.0,
}
