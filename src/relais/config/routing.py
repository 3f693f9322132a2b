"""WebSocket routes; each app adds its consumers here.

`public_websocket_urlpatterns` serve people who do not sign in (the customer's chat: its
token says which chat it is): no session or authentication middleware, which otherwise
wrapped every frame sent. The others serve signed-in people (`scope["user"]`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import URLPattern

from relais.apps.chat.routing import websocket_urlpatterns as chat_routes
from relais.apps.desktop.routing import websocket_urlpatterns as desktop_routes
from relais.apps.realtime.origins import OriginGuard
from relais.apps.supervision.routing import websocket_urlpatterns as supervision_routes

public_websocket_urlpatterns: list[Any] = [*chat_routes]
websocket_urlpatterns: list[Any] = [*desktop_routes, *supervision_routes]


def guarded(routes: list[Any], also: Callable[[], Iterable[str]]) -> list[URLPattern]:
    """`routes`, each behind an origin check that also admits the origins `also` gives."""
    return [
        URLPattern(route.pattern, OriginGuard(route.callback, also=also), route.default_args)
        for route in routes
    ]
