"""ASGI entry point: HTTP through Django (static files included), WebSocket through Channels."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.config.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.urls import get_resolver, re_path

django_application = get_asgi_application()

# Import every view now, not on the first request: that import (the planning and simulation
# stacks among them) took seconds, and every request of the process queued behind its lock.
_views = get_resolver().url_patterns

from relais.apps.accounts.socket_session import SocketSessionGuard  # noqa: E402
from relais.apps.chat.endpoint import chat_start_endpoint, handles  # noqa: E402
from relais.apps.organisation.networks import SiteNetworkSocketGuard  # noqa: E402
from relais.apps.realtime.lifespan import lifespan  # noqa: E402
from relais.apps.realtime.origins import OriginGuard  # noqa: E402
from relais.config.routing import (  # noqa: E402
    guarded,
    public_websocket_urlpatterns,
    websocket_urlpatterns,
)

django_http = ASGIStaticFilesHandler(django_application)


async def http(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Django, but for the pre-chat form: a lean endpoint of its own (chat/endpoint.py)."""
    if handles(scope):
        await chat_start_endpoint(scope, receive, send)
    else:
        await django_http(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": http,
        "lifespan": lifespan,  # leases' heartbeat and their closing at shutdown
        # Each WebSocket only from an allowed page (realtime/origins.py): our own origin
        # (port included) or a trusted one; the customer's chat also from the sites that
        # embed the widget (RELAIS_WIDGET_ORIGINS). Signed-in people: their session, idle
        # timeout, second factor and site networks as for pages (docs/security.md).
        "websocket": URLRouter(
            [
                *guarded(public_websocket_urlpatterns, lambda: settings.WIDGET_ORIGINS),
                re_path(
                    r"^",
                    OriginGuard(
                        AuthMiddlewareStack(
                            SocketSessionGuard(
                                SiteNetworkSocketGuard(URLRouter(websocket_urlpatterns))
                            )
                        )
                    ),
                ),
            ]
        ),
    }
)
