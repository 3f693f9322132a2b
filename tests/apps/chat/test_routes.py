"""The WebSocket routes of the whole application: the customer's chat needs no sign-in (no
session or authentication middleware), the desktop does; both check the origin."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client as HttpClient

from relais.apps.accounts.models import User
from relais.config.asgi import application
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.chat.fixtures import ChatWorld, Client, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

OURS = [(b"host", b"testserver"), (b"origin", b"http://testserver")]


def _session_cookie(user: User) -> bytes:
    browser = HttpClient()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


async def test_the_customer_chat_needs_no_sign_in_and_the_desktop_does(
    chat_world: ChatWorld,
) -> None:
    _, token = await start_chat()
    customer = WebsocketCommunicator(application, "/ws/chat/", headers=OURS)
    connected, _ = await customer.connect()
    assert connected
    client = Client(customer)
    await client.send({"type": "hello", "token": token})
    assert (await client.until("welcome"))["state"] == "waiting"
    await client.close()

    anonymous = WebsocketCommunicator(application, "/ws/desktop/", headers=OURS)
    connected, code = await anonymous.connect()
    assert (connected, code) == (False, 4403)

    user = chat_world.agent("lille0").user
    cookie = await database_sync_to_async(_session_cookie)(user)
    agent = WebsocketCommunicator(application, "/ws/desktop/", headers=[*OURS, (b"cookie", cookie)])
    connected, _ = await agent.connect()
    assert connected
    await agent.disconnect()


async def test_a_foreign_origin_is_refused_on_the_chat_too(chat_world: ChatWorld) -> None:
    foreign = [(b"host", b"testserver"), (b"origin", b"https://evil.example")]
    customer = WebsocketCommunicator(application, "/ws/chat/", headers=foreign)
    connected, _ = await customer.connect()
    assert not connected
