"""The customer's chat WebSocket: token, messages stored before the ack, idempotent resend,
bad input, and nothing about the agent's site or partner ever reaching the customer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from relais.apps.chat.models import ChatMessage
from relais.apps.interactions.models import Channel, Contact, ContactState
from relais.apps.realtime.frames import MAX_RECORD_ID
from tests.apps.chat.fixtures import (
    ChatWorld,
    Client,
    agent_client,
    customer_client,
    start_chat,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_bad_token_is_refused_and_other_frames_need_a_hello(chat_world: ChatWorld) -> None:
    customer = await customer_client()
    await customer.send({"type": "message", "client_id": "a", "body": "hi"})
    assert (await customer.until("error"))["code"] == "not_authenticated"
    await customer.send({"type": "hello", "token": "guess"})
    assert (await customer.until("error"))["code"] == "bad_token"
    _, token = await start_chat()
    await customer.send({"type": "hello", "token": token})
    assert (await customer.until("welcome"))["state"] == "waiting"
    await customer.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("nope", "malformed_json"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "message", "client_id": "", "body": "x"}), "invalid_frame"),
        (json.dumps({"type": "message", "client_id": "a", "body": "x" * 9000}), "frame_too_large"),
        (json.dumps({"type": "message", "client_id": "a", "body": "   "}), "empty_message"),
    ],
)
async def test_bad_input_changes_nothing_and_the_chat_goes_on(
    chat_world: ChatWorld, frame: str, code: str
) -> None:
    _contact_id, token = await start_chat()
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await customer.until("welcome")
    before = await database_sync_to_async(ChatMessage.objects.count)()

    await customer.send(frame)

    assert (await customer.until("error"))["code"] == code
    assert await database_sync_to_async(ChatMessage.objects.count)() == before
    await customer.send({"type": "message", "client_id": "ok", "body": "still here"})
    assert (await customer.until("ack"))["client_id"] == "ok"
    await customer.close()


async def test_a_hello_whose_last_id_no_database_holds_gets_an_error_frame(
    chat_world: ChatWorld,
) -> None:
    """Issue 25, finding 3: a `last_id` past 2^63 reached the database and got no answer."""
    _contact_id, token = await start_chat()
    customer = await customer_client()

    await customer.send({"type": "hello", "token": token, "last_id": 2**64})

    error = await customer.until("error")
    assert error["code"] == "invalid_frame"
    assert "last_id" in error["message"]
    await customer.send({"type": "hello", "token": token, "last_id": MAX_RECORD_ID})
    assert (await customer.until("welcome"))["state"] == "waiting"
    await customer.close()


async def test_a_resend_after_reconnect_is_stored_once(chat_world: ChatWorld) -> None:
    contact_id, token = await start_chat()
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await customer.until("welcome")
    await customer.send({"type": "message", "client_id": "r1", "body": "once"})
    first = await customer.until("ack")
    await customer.close()

    customer = await customer_client()
    await customer.send({"type": "hello", "token": token, "last_id": first["id"]})
    await customer.until("welcome")
    await customer.send({"type": "message", "client_id": "r1", "body": "once"})
    second = await customer.until("ack")

    assert first["id"] == second["id"]
    stored = await database_sync_to_async(
        ChatMessage.objects.filter(contact_id=contact_id, client_id="r1").count
    )()
    assert stored == 1
    await customer.close()


async def test_the_customer_never_learns_the_agents_site_or_partner(chat_world: ChatWorld) -> None:
    rabat = chat_world.agent("rabat0")  # an Atlas Contact agent, offshore
    user = rabat.user
    user.first_name = "Yasmine"
    await database_sync_to_async(user.save)()
    desk = await agent_client(user)
    await desk.send({"type": "hello"})
    await desk.until("state")
    await desk.send({"type": "presence", "state": "available"})
    await desk.until("ack")
    await chat_world.step()
    contact_id, token = await start_chat()
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await chat_world.step()
    chat_world.clock.advance(31)  # past the internal step: Atlas becomes eligible
    await chat_world.step()
    await desk.until("offer.made")
    await desk.send({"type": "accept", "contact_id": contact_id})
    await desk.until_all("ack", "chat.opened")
    await desk.send({"type": "message", "contact_id": contact_id, "client_id": "1", "body": "Oui"})
    await desk.until("ack")
    await desk.send({"type": "typing", "contact_id": contact_id})
    await desk.send({"type": "complete", "contact_id": contact_id})
    await desk.until("ack")

    frames = [*customer.seen, *await customer.drain(0.5)]
    text = json.dumps(frames)
    assert "Yasmine" in text
    for secret in ("Rabat", "Atlas", "offshore", user.last_name, user.username):
        assert secret not in text, secret
    assert {f["type"] for f in frames} <= {"welcome", "message", "typing", "queue.position"}
    keys = {key for f in frames for key in (*f, *f.get("message", {}))}
    assert not keys & {"agent_id", "site", "site_id", "partner", "partner_id", "queue"}
    await desk.close()
    await customer.close()


async def test_html_is_stored_as_text(chat_world: ChatWorld) -> None:
    payload = "<img src=x onerror=alert(1)>"
    contact_id, _token = await start_chat(message=payload)
    message = await database_sync_to_async(ChatMessage.objects.get)(contact_id=contact_id, seq=1)
    assert message.body == payload


async def _waiting_customer() -> tuple[int, Client]:
    """A customer who started a chat and was welcomed, still waiting: its contact and client."""
    contact_id, token = await start_chat()
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await customer.until("welcome")
    return contact_id, customer


@database_sync_to_async
def _instead_of(contact_id: int) -> tuple[list[Contact], str]:
    """The contacts made instead of the chat, and the chat's state."""
    made = list(Contact.objects.filter(attributes__chat_contact=contact_id))
    return made, Contact.objects.get(pk=contact_id).state


async def test_a_waiting_customer_leaves_a_message_instead(chat_world: ChatWorld) -> None:
    contact_id, customer = await _waiting_customer()

    await customer.send(
        {"type": "leave_message", "email": "ana@example.fr", "message": "Rappelez-moi"}
    )

    assert (await customer.until("done"))["what"] == "message"
    left, state = await _instead_of(contact_id)
    assert [c.channel for c in left] == [Channel.EMAIL]
    assert left[0].attributes["message"] == "Rappelez-moi"
    assert state == ContactState.ABANDONED
    await customer.close()


async def test_a_waiting_customer_asks_for_a_callback_instead(chat_world: ChatWorld) -> None:
    contact_id, customer = await _waiting_customer()
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    await customer.send({"type": "callback", "phone": "+33 6 12 34 56 78", "at": past})
    assert (await customer.until("error"))["code"] == "invalid_form"  # and nothing made
    at = (timezone.now() + dt.timedelta(hours=2)).isoformat()

    await customer.send({"type": "callback", "phone": "+33 6 12 34 56 78", "at": at})

    assert (await customer.until("done"))["what"] == "callback"
    made, state = await _instead_of(contact_id)
    assert [c.channel for c in made] == [Channel.CALLBACK]
    assert made[0].attributes["phone"] == "+33 6 12 34 56 78"
    assert state == ContactState.ABANDONED
    await customer.close()
