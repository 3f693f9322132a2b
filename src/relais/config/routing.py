"""WebSocket routes; each app adds its consumers here."""

from __future__ import annotations

from typing import Any

from relais.apps.chat.routing import websocket_urlpatterns as chat_routes
from relais.apps.desktop.routing import websocket_urlpatterns as desktop_routes
from relais.apps.supervision.routing import websocket_urlpatterns as supervision_routes

websocket_urlpatterns: list[Any] = [*chat_routes, *desktop_routes]
websocket_urlpatterns += supervision_routes
