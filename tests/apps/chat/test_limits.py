"""Limits on anonymous chat traffic (issue 15, finding 7): a burst of connections or messages
from one address, or messages in one chat, is refused beyond the limit with a clear code,
and nothing refused is stored or lost silently. Through the whole ASGI application; with
Redis under the PostgreSQL suite (the buckets are then shared by every process)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.test import Client as HttpClient

from relais.apps.chat.models import ChatMessage, ChatSession, Sender
from relais.apps.realtime.ratelimit import CLOSE_TOO_FAST, Limit, rate_take
from relais.config.asgi import application
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.chat.fixtures import ChatWorld, Client, start_chat
from tests.apps.desktop.test_consumer import offered_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

OURS = [(b"host", b"testserver"), (b"origin", b"http://testserver")]


def _socket(address: str) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/chat/", headers=OURS)
    socket.scope["client"] = (address, 40000)
    return socket


async def _customer(address: str, token: str) -> Client:
    socket = _socket(address)
    connected, _ = await socket.connect()
    assert connected
    client = Client(socket)
    await client.send({"type": "hello", "token": token})
    await client.until("welcome")
    return client


async def _answer(client: Client) -> dict[str, Any]:
    while True:
        frame = await client.receive()
        if frame["type"] in ("ack", "error"):
            return frame


async def test_a_burst_of_idle_connections_is_refused_beyond_the_limit(
    chat_world: ChatWorld, settings: Any
) -> None:
    limit = settings.CHAT_CONNECTIONS_PER_MIN  # the default: 60 a minute per address
    sockets = [_socket("203.0.113.7") for _ in range(150)]
    for socket in sockets:
        connected, _ = await socket.connect()
        assert connected  # accepted, to say why it closes
    refused = []
    for socket in sockets:
        if not await socket.receive_nothing(timeout=0.05):
            refused.append(socket)
    # the bucket refills by one a second: a slow run may admit a few more, never all
    assert 150 - len(refused) >= limit
    assert len(refused) >= 80
    error = json.loads(await refused[0].receive_from())
    assert (error["type"], error["code"], error["retry_after"]) == ("error", "too_fast", 1)
    assert error["message"] == "Trop rapide\u202f: ceci n’a pas été envoyé. Réessayez dans 1 s."
    assert (await refused[0].receive_output())["code"] == CLOSE_TOO_FAST

    other = _socket("198.51.100.9")  # another address is not held back
    connected, _ = await other.connect()
    assert connected
    assert await other.receive_nothing(timeout=0.05)
    for socket in [*sockets, other]:
        await socket.disconnect()


async def test_a_burst_of_messages_in_one_chat_is_refused_beyond_the_limit(
    chat_world: ChatWorld, settings: Any
) -> None:
    limit = settings.CHAT_MESSAGES_PER_10S  # the default: 20 in 10 s per chat
    contact_id, token = await start_chat()
    customer = await _customer("203.0.113.7", token)

    for n in range(60):  # all sent at once, the answers read after
        await customer.send({"type": "message", "client_id": f"m{n}", "body": "x", "ref": f"m{n}"})
    answers: dict[str, dict[str, Any]] = {}
    while len(answers) < 60:  # each message gets its answer: an ack or a refusal
        frame = await customer.receive()
        if frame["type"] in ("ack", "error"):
            answers[frame["ref"]] = frame
    acked = [key for key, frame in answers.items() if frame["type"] == "ack"]
    refused = [frame for frame in answers.values() if frame["type"] == "error"]
    assert limit <= len(acked) <= limit + 2
    assert {(f["code"], f["retry_after"] is not None) for f in refused} == {("too_fast", True)}

    stored = await database_sync_to_async(
        lambda: list(
            ChatMessage.objects.filter(contact_id=contact_id, sender=Sender.CUSTOMER)
            .exclude(client_id="first")
            .values_list("client_id", flat=True)
        )
    )()
    assert sorted(stored) == sorted(acked)  # every acknowledged one stored, no other
    await customer.close()


async def test_messages_from_one_address_are_limited_across_its_chats(
    chat_world: ChatWorld, settings: Any
) -> None:
    settings.CHAT_IP_MESSAGES_PER_10S = 5
    _, first_token = await start_chat()
    _, second_token = await start_chat(name="Paul Durand")
    first = await _customer("203.0.113.7", first_token)
    second = await _customer("203.0.113.7", second_token)
    elsewhere = await _customer("198.51.100.9", first_token)

    kinds = []
    for n in range(8):
        client = first if n % 2 else second
        await client.send(
            {"type": "message", "client_id": f"m{n}", "body": "Bonjour", "ref": f"r{n}"}
        )
        kinds.append((await _answer(client))["type"])
    assert kinds == ["ack"] * 5 + ["error"] * 3

    await elsewhere.send({"type": "message", "client_id": "e1", "body": "Bonjour"})
    assert (await _answer(elsewhere))["type"] == "ack"
    for client in (first, second, elsewhere):
        await client.close()


async def _start(address: str) -> tuple[int, dict[bytes, bytes], Any]:
    body = json.dumps(
        {"topic": "commande", "name": "Jeanne Martin", "message": "Bonjour", "client_id": "c0"}
    ).encode()
    communicator = HttpCommunicator(
        application,
        "POST",
        "/chat/start",
        body=body,
        headers=[(b"host", b"testserver"), (b"content-type", b"application/json")],
    )
    communicator.scope["client"] = (address, 40000)
    response = await communicator.get_response(timeout=5)
    return response["status"], dict(response["headers"]), json.loads(response["body"])


async def test_new_chats_from_one_address_are_limited(chat_world: ChatWorld, settings: Any) -> None:
    settings.CHAT_CONNECTIONS_PER_MIN = 3
    statuses = [(await _start("203.0.113.7"))[0] for _ in range(3)]
    assert statuses == [201, 201, 201]

    status, headers, answer = await _start("203.0.113.7")

    assert (status, answer["code"]) == (429, "too_fast")
    assert int(headers[b"retry-after"]) >= 1
    assert await database_sync_to_async(ChatSession.objects.count)() == 3  # none created
    assert (await _start("198.51.100.9"))[0] == 201


async def test_a_bucket_gives_its_limit_at_once_then_says_when_to_retry() -> None:
    limit = Limit("test-bucket", 2, 60.0)  # refilled by one every 30 s
    taken = [await rate_take(limit, "k") for _ in range(3)]
    assert taken[:2] == [0, 0]
    assert 29 <= taken[2] <= 30
    assert await rate_take(limit, "another key") == 0
    assert await rate_take(Limit("test-off", 0, 60.0), "k") == 0  # 0: no limit


async def test_typing_signals_beyond_the_limit_are_dropped(
    chat_world: ChatWorld, settings: Any
) -> None:
    desk, contact_id, token = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id, "ref": "a1"})
    await desk.until("chat.opened")
    customer = await _customer("203.0.113.7", token)
    settings.CHAT_MESSAGES_PER_10S = 2

    for _ in range(6):
        await customer.send({"type": "typing"})
    typing = [frame for frame in await desk.drain() if frame["type"] == "chat.typing"]

    assert 2 <= len(typing) < 6
    assert not [frame for frame in customer.seen if frame["type"] == "error"]  # said nothing
    await customer.close()
    await desk.close()


def _post_form(path: str, address: str) -> Any:
    body = {"topic": "commande", "name": "Jeanne Martin", "email": "j@example.com"}
    return HttpClient(REMOTE_ADDR=address).post(
        path, json.dumps({**body, "language": "fr", "message": "Rappelez-moi"}), "application/json"
    )


async def test_the_widgets_other_forms_are_limited_with_the_new_chats(
    chat_world: ChatWorld, settings: Any
) -> None:
    """A message left or a callback asked creates a contact too: counted with new chats."""
    settings.CHAT_CONNECTIONS_PER_MIN = 3
    statuses = [
        (await database_sync_to_async(_post_form)("/chat/leave-message", "203.0.113.7")).status_code
        for _ in range(3)
    ]
    assert 429 not in statuses

    refused = await database_sync_to_async(_post_form)("/chat/callback", "203.0.113.7")

    assert refused.status_code == 429
    assert refused.json()["code"] == "too_fast"
    assert int(refused["Retry-After"]) >= 1
    other = await database_sync_to_async(_post_form)("/chat/leave-message", "198.51.100.9")
    assert other.status_code != 429
