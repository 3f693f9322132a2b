"""The pre-chat form through the ASGI application (`chat/endpoint.py`), as the widget posts it:
a chat is created and its token given; bad input gets its code and creates nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator

from relais.apps.chat.models import ChatMessage, ChatSession
from relais.apps.interactions.models import Contact
from relais.config.asgi import application
from tests.apps.chat.fixtures import ChatWorld

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def post(body: bytes, *, host: bytes = b"testserver", query: str = "") -> tuple[int, Any]:
    path = "/chat/start" + (f"?{query}" if query else "")
    communicator = HttpCommunicator(
        application,
        "POST",
        path,
        body=body,
        headers=[(b"host", host), (b"content-type", b"application/json")],
    )
    response = await communicator.get_response(timeout=5)
    headers = dict(response["headers"])
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"x-content-type-options"] == b"nosniff"
    return response["status"], json.loads(response["body"])


def form(**fields: Any) -> bytes:
    data = {"topic": "commande", "name": "Jeanne Martin", "message": "Bonjour", "client_id": "c0"}
    return json.dumps({**data, **fields}).encode()


async def counts() -> tuple[int, int, int]:
    def read() -> tuple[int, int, int]:
        return Contact.objects.count(), ChatSession.objects.count(), ChatMessage.objects.count()

    return await database_sync_to_async(read)()


async def test_the_form_opens_a_chat_with_its_first_message(chat_world: ChatWorld) -> None:
    status, answer = await post(form())

    assert status == 201
    assert answer["socket"] == "/ws/chat/"
    session = await database_sync_to_async(
        lambda: ChatSession.objects.select_related("contact").get()
    )()
    assert session.customer_name == "Jeanne Martin"
    assert session.contact.queue_id == chat_world.queue.pk
    first = await database_sync_to_async(ChatMessage.objects.get)(contact_id=session.contact_id)
    assert (first.seq, first.body, first.client_id) == (1, "Bonjour", "c0")
    assert session.token_hash != answer["token"]  # only the hash is kept


@pytest.mark.parametrize(
    ("body", "query", "status", "code"),
    [
        (b"{not json", "", 400, "malformed_json"),
        (b"[1, 2]", "", 400, "malformed_json"),
        (form(name=""), "", 400, "invalid_form"),
        (form(topic="inconnu"), "", 400, "unknown_topic"),
        (b"x" * 70_000, "", 413, "too_large"),
    ],
)
async def test_bad_input_gets_its_code_and_creates_nothing(
    chat_world: ChatWorld, body: bytes, query: str, status: int, code: str
) -> None:
    got, answer = await post(body, query=query)

    assert (got, answer["code"]) == (status, code)
    assert answer["message"]
    assert await counts() == (0, 0, 0)


async def test_refusals_speak_the_customer_language(chat_world: ChatWorld) -> None:
    _, french = await post(form(topic="inconnu"))
    _, english = await post(form(topic="inconnu", language="en"))
    _, page = await post(b"{", query="lang=en")

    assert french["message"] != english["message"]
    assert page["message"] == (await post(b"{", query="lang=en"))[1]["message"]
    assert page["message"] != (await post(b"{"))[1]["message"]


async def test_an_unknown_host_is_refused(chat_world: ChatWorld) -> None:
    status, answer = await post(form(), host=b"evil.example")

    assert (status, answer["code"]) == (400, "bad_host")
    assert await counts() == (0, 0, 0)
