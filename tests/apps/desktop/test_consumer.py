"""The agent desktop's WebSocket: offers, conversation, resume from an event id, bad input."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from relais.apps.chat.models import ChatMessage
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop.models import WrapUp
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact, ContactState
from tests.apps.chat.fixtures import ChatWorld, agent_client, customer_client, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def logged_in_agent(chat: ChatWorld, key: str = "lille0"):  # type: ignore[no-untyped-def]
    agent = chat.agent(key)
    desk = await agent_client(agent.user)
    await desk.send({"type": "hello"})
    state = await desk.until("state")
    await desk.send({"type": "presence", "state": "available", "ref": "p1"})
    await desk.until("ack")
    await chat.step()
    return desk, state


async def offered_chat(chat: ChatWorld, key: str = "lille0"):  # type: ignore[no-untyped-def]
    desk, _ = await logged_in_agent(chat, key)
    contact_id, token = await start_chat()
    await chat.step()
    offer = await desk.until("offer.made")
    assert offer["contact_id"] == contact_id
    return desk, contact_id, token


async def test_an_offer_is_accepted_and_messages_flow_both_ways(chat_world: ChatWorld) -> None:
    desk, contact_id, token = await offered_chat(chat_world)
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    welcome = await customer.until("welcome")
    assert welcome["state"] == "waiting"
    assert (await customer.until("message"))["message"]["body"] == "Bonjour"

    await desk.send({"type": "accept", "contact_id": contact_id, "ref": "a1"})
    accepted, opened = await desk.until_all("ack", "chat.opened")
    assert accepted["ref"] == "a1"
    assert [m["body"] for m in opened["chat"]["messages"]][:1] == ["Bonjour"]
    joined = await customer.until("message")
    assert joined["message"]["event"] == "agent_joined"
    assert joined["message"]["author"] == "Camille"

    await desk.send(
        {"type": "message", "contact_id": contact_id, "client_id": "m1", "body": "Je regarde"}
    )
    # the agent's own message comes back too (for their other tabs), maybe before the ack
    ack, own = await desk.until_all("ack", "chat.message")
    stored = await database_sync_to_async(ChatMessage.objects.get)(
        contact_id=contact_id, seq=ack["id"]
    )
    assert stored.body == "Je regarde"
    assert (own["message"]["body"], own["message"]["client_id"]) == ("Je regarde", "m1")
    assert (await customer.until("message"))["message"]["body"] == "Je regarde"

    await customer.send({"type": "message", "client_id": "c2", "body": "Merci"})
    assert (await customer.until("ack"))["client_id"] == "c2"
    event = await desk.until("chat.message")
    assert event["message"]["body"] == "Merci"
    await desk.close()
    await customer.close()


async def test_resume_from_an_event_id_returns_exactly_the_missed_events(
    chat_world: ChatWorld,
) -> None:
    desk, contact_id, token = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id})
    _, opened = await desk.until_all("ack", "chat.opened")
    last_seen = opened["id"]
    await desk.close()

    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await customer.until("welcome")
    for index in range(3):
        await customer.send({"type": "message", "client_id": f"x{index}", "body": f"m{index}"})
        await customer.until("ack")

    desk = await agent_client(chat_world.agent("lille0").user)
    await desk.send({"type": "hello", "last_event_id": last_seen})
    frames = [f for f in await desk.drain() if "id" in f and f["type"] != "ack"]
    assert [f["message"]["body"] for f in frames] == ["m0", "m1", "m2"]
    ids = [f["id"] for f in frames]
    assert ids == list(range(last_seen + 1, last_seen + 4))

    await customer.send({"type": "message", "client_id": "x9", "body": "live"})
    live = await desk.until("chat.message")
    assert (live["id"], live["message"]["body"]) == (last_seen + 4, "live")
    assert await desk.drain() == []  # nothing twice
    await desk.close()
    await customer.close()


async def test_a_fresh_hello_gives_the_state_with_its_event_id(chat_world: ChatWorld) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id})
    _, opened = await desk.until_all("ack", "chat.opened")
    await desk.close()

    desk = await agent_client(chat_world.agent("lille0").user)
    await desk.send({"type": "hello"})
    state = await desk.until("state")
    assert state["last_event_id"] == opened["id"]
    assert [c["contact_id"] for c in state["chats"]] == [contact_id]
    assert state["presence"] == "busy" or state["presence"] == "available"
    await desk.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "malformed_json"),
        ("[1, 2]", "malformed_json"),
        (json.dumps({"type": "teleport"}), "unknown_type"),
        (json.dumps({"type": "message", "contact_id": 1}), "invalid_frame"),
        (
            json.dumps({"type": "message", "contact_id": 1, "client_id": "z", "body": "x" * 9000}),
            "frame_too_large",
        ),
    ],
)
async def test_bad_input_gets_an_error_frame_and_the_connection_stays_usable(
    chat_world: ChatWorld, frame: str, code: str
) -> None:
    desk = await agent_client(chat_world.agent("lille0").user)
    await desk.send({"type": "hello"})
    await desk.until("state")
    before = await database_sync_to_async(DeskEvent.objects.count)()

    await desk.send(frame)
    error = await desk.until("error")

    assert error["code"] == code
    assert error["message"]
    assert await database_sync_to_async(DeskEvent.objects.count)() == before
    await desk.send({"type": "presence", "state": "available", "ref": "still"})
    assert (await desk.until("ack"))["ref"] == "still"
    await desk.close()


async def test_a_message_into_someone_elses_chat_is_refused(chat_world: ChatWorld) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id})
    await desk.until_all("ack", "chat.opened")
    intruder = await agent_client(chat_world.agent("lille1").user)
    await intruder.send({"type": "hello"})
    await intruder.until("state")
    count = await database_sync_to_async(ChatMessage.objects.count)()

    await intruder.send(
        {"type": "message", "contact_id": contact_id, "client_id": "evil", "body": "hi", "ref": "r"}
    )
    error = await intruder.until("error")

    assert (error["code"], error["ref"]) == ("not_your_contact", "r")
    assert await database_sync_to_async(ChatMessage.objects.count)() == count
    await intruder.send({"type": "presence", "state": "available", "ref": "ok"})
    assert (await intruder.until("ack"))["ref"] == "ok"
    await desk.close()
    await intruder.close()


async def test_accepting_someone_elses_offer_is_refused(chat_world: ChatWorld) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    intruder = await agent_client(chat_world.agent("lille1").user)
    await intruder.send({"type": "hello"})
    await intruder.until("state")

    await intruder.send({"type": "accept", "contact_id": contact_id})
    error = await intruder.until("error")

    assert error["code"] == "not_your_contact"
    contact = await database_sync_to_async(Contact.objects.get)(pk=contact_id)
    assert (contact.state, contact.agent_id) == (
        ContactState.OFFERED,
        chat_world.agent("lille0").pk,
    )
    await desk.close()
    await intruder.close()


async def test_an_idempotent_resend_stores_once_and_acks_the_same_id(
    chat_world: ChatWorld,
) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id})
    await desk.until_all("ack", "chat.opened")
    frame = {"type": "message", "contact_id": contact_id, "client_id": "same", "body": "Une fois"}

    await desk.send(frame)
    first = await desk.until("ack")
    await desk.send(frame)
    second = await desk.until("ack")

    assert first["id"] == second["id"]
    count = await database_sync_to_async(
        ChatMessage.objects.filter(contact_id=contact_id, client_id="same").count
    )()
    assert count == 1
    await desk.close()


async def test_wrap_up_needs_a_known_reason_then_closes_the_contact(chat_world: ChatWorld) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    await desk.send({"type": "accept", "contact_id": contact_id})
    await desk.until_all("ack", "chat.opened")

    await desk.send({"type": "wrap_up", "contact_id": contact_id, "reason": "nope"})
    assert (await desk.until("error"))["code"] == "unknown_reason"
    await desk.send({"type": "wrap_up", "contact_id": contact_id, "reason": "resolved"})
    closed = await desk.until("contact.closed")

    assert closed["reason"] == "wrapped_up"
    wrap = await database_sync_to_async(WrapUp.objects.select_related("reason").get)(
        contact_id=contact_id
    )
    assert wrap.reason.code == "resolved"
    await desk.close()


async def test_an_offer_that_ends_while_disconnected_is_in_the_resumed_stream(
    chat_world: ChatWorld,
) -> None:
    desk, contact_id, _ = await offered_chat(chat_world)
    offer_id = max(f["id"] for f in desk.seen if f["type"] == "offer.made")
    await desk.close()
    contact = await database_sync_to_async(Contact.objects.get)(pk=contact_id)
    await database_sync_to_async(interactions.contact_abandon)(actor=None, contact=contact)
    await chat_world.step()

    desk = await agent_client(chat_world.agent("lille0").user)
    await desk.send({"type": "hello", "last_event_id": offer_id})
    ended = await desk.until("offer.ended")

    assert (ended["contact_id"], ended["reason"]) == (contact_id, "abandoned")
    await desk.close()


async def test_a_user_who_is_not_an_agent_cannot_connect(chat_world: ChatWorld) -> None:
    from relais.apps.desktop.consumers import DesktopConsumer
    from tests.apps.chat.communicator import WebsocketCommunicator

    communicator = WebsocketCommunicator(DesktopConsumer.as_asgi(), "/ws/desktop/")
    communicator.scope["user"] = chat_world.world.users["director"]
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4403
