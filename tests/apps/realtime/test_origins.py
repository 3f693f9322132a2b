"""Which pages may open a WebSocket (issue 15, finding 7): the origin must be the server's own,
port included, or a trusted one; the customer's chat also admits the sites that embed the
widget. Through the whole ASGI application."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client as HttpClient

from relais.apps.accounts.models import User
from relais.apps.realtime.origins import origin_parse
from relais.config.asgi import application
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.chat.fixtures import chat_world as chat_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _cookie(user: User) -> bytes:
    browser = HttpClient()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


async def _opens(
    path: str, *, host: str, origin: str | None, scheme: str = "ws", cookie: bytes | None = None
) -> bool:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie))
    socket = WebsocketCommunicator(application, path, headers=headers)
    socket.scope["scheme"] = scheme
    connected, _ = await socket.connect()
    if connected:
        await socket.disconnect()
    return bool(connected)


async def test_another_port_of_the_same_host_is_refused(chat_world: ChatWorld) -> None:
    cookie = await database_sync_to_async(_cookie)(chat_world.agent("lille0").user)
    for path, extra in (("/ws/chat/", {}), ("/ws/desktop/", {"cookie": cookie})):
        assert await _opens(path, host="127.0.0.1:8000", origin="http://127.0.0.1:8000", **extra)
        assert not await _opens(
            path, host="127.0.0.1:8000", origin="http://127.0.0.1:9999", **extra
        )
        assert not await _opens(path, host="127.0.0.1:8000", origin="https://127.0.0.1", **extra)
        assert not await _opens(path, host="127.0.0.1:8000", origin=None, **extra)


async def test_a_host_we_do_not_serve_is_refused_even_from_its_own_origin(
    chat_world: ChatWorld,
) -> None:
    """DNS rebinding: a foreign name pointed at our address is its own origin."""
    assert not await _opens(
        "/ws/chat/", host="rebound.example:8000", origin="http://rebound.example:8000"
    )


async def test_a_trusted_origin_opens_both(chat_world: ChatWorld, settings: Any) -> None:
    """Behind a TLS proxy the socket arrives as ws:// on an inner port."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://relais.example"]
    cookie = await database_sync_to_async(_cookie)(chat_world.agent("lille0").user)
    assert await _opens(
        "/ws/desktop/", host="127.0.0.1:8000", origin="https://relais.example", cookie=cookie
    )
    assert not await _opens(
        "/ws/desktop/", host="127.0.0.1:8000", origin="https://relais.example:8443", cookie=cookie
    )


async def test_the_widgets_sites_open_the_chat_and_only_the_chat(
    chat_world: ChatWorld, settings: Any
) -> None:
    settings.WIDGET_ORIGINS = ["https://shop.example"]
    cookie = await database_sync_to_async(_cookie)(chat_world.agent("lille0").user)

    assert await _opens("/ws/chat/", host="relais.example", origin="https://shop.example")
    assert not await _opens("/ws/chat/", host="relais.example", origin="https://evil.example")
    assert not await _opens("/ws/chat/", host="relais.example", origin="http://shop.example")
    assert not await _opens(
        "/ws/desktop/", host="testserver", origin="https://shop.example", cookie=cookie
    )


async def test_an_origin_is_its_scheme_host_and_port() -> None:
    assert origin_parse("http://127.0.0.1:8000") == ("http", "127.0.0.1", 8000)
    assert origin_parse("HTTPS://Relais.Example") == ("https", "relais.example", 443)
    assert origin_parse("http://relais.example:80/") == ("http", "relais.example", 80)
    assert origin_parse("null") is None
    assert origin_parse("ftp://relais.example") is None
    assert origin_parse("http://relais.example:99999") is None
