"""How every Relais web server runs uvicorn (`relais serve`, the router beside it, benches).

WebSocket frames are not compressed: chat frames are a few hundred bytes, and
permessage-deflate (uvicorn's default) cost zlib work on every frame at both ends for
nothing (measured under bench.chat_load).
"""

from __future__ import annotations

from typing import Any

APPLICATION = "relais.config.asgi:application"

UVICORN_OPTIONS: dict[str, Any] = {
    "lifespan": "off",
    "ws_per_message_deflate": False,
}
