"""Which pages may open a WebSocket (docs/security.md, "Live connections").

A browser sends the page's origin (scheme, host, port) with every WebSocket it opens, and a
WebSocket is not bound by the same-origin policy: without a check, any site a signed-in
agent visits could open the desktop's socket with their cookie. `OriginGuard` admits a
connection when its `Origin` is exactly the server's own (the request's scheme, its `Host`,
which must be one of `ALLOWED_HOSTS`, and the port: `http://127.0.0.1:9999` is not
`http://127.0.0.1:8000`), or one of `CSRF_TRUSTED_ORIGINS` (a server behind a TLS proxy), or,
for the routes that allow it (the customer's chat), one of the origins the widget may be
embedded in (`settings.WIDGET_ORIGINS`). Anything else, a missing `Origin` included, is
refused before the consumer runs (HTTP 403 to the handshake).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def origin_parse(text: str) -> Origin | None:
    """(scheme, host, port) of an origin or URL, the port made explicit; None if unusable."""
    try:
        parts = urlsplit(text.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def server_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin the request was addressed to: its scheme and `Host` (one of ours)."""
    headers = dict(scope.get("headers", []))
    host_header = headers.get(b"host", b"").decode("latin-1")
    host, _ = split_domain_port(host_header)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return origin_parse(f"{scheme}://{host_header}")


def origin_allowed(scope: dict[str, Any], also: Iterable[str] = ()) -> bool:
    headers = dict(scope.get("headers", []))
    origin = origin_parse(headers.get(b"origin", b"").decode("latin-1"))
    if origin is None:
        return False
    if origin == server_origin(scope):
        return True
    trusted = [*settings.CSRF_TRUSTED_ORIGINS, *also]
    return any(origin == origin_parse(allowed) for allowed in trusted)


class OriginGuard:
    """ASGI middleware: the WebSocket goes on to `application` only from an allowed origin;
    `also` gives the extra origins of this route (read at each connection)."""

    def __init__(
        self, application: Any, *, also: Callable[[], Iterable[str]] | None = None
    ) -> None:
        self.application = application
        self.also = also

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if origin_allowed(scope, self.also() if self.also is not None else ()):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
