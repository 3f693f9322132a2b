"""Coaching over WebSocket: instant messages with an agent, silent and visible chat joins,
broadcasts in the agent's numbered stream; scoped and audited with who, when and why."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from relais.apps.accounts.models import User
from relais.apps.audit.models import AuditEntry
from relais.apps.chat.models import ChatMessage
from relais.apps.supervision.actions import services
from relais.apps.supervision.coaching.consumer import CoachingConsumer
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.chat.fixtures import (
    ChatWorld,
    Client,
    agent_client,
    chat_world,
    customer_client,
    start_chat,
)

__all__ = ["chat_world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def coach_client(user: User) -> Client:
    communicator = WebsocketCommunicator(CoachingConsumer.as_asgi(), "/ws/supervision/coaching/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return Client(communicator)


@database_sync_to_async
def _name_supervisor(chat: ChatWorld) -> User:
    user = chat.world.users["supervisor"]
    user.first_name, user.last_name = "Sophie", "Durand"
    user.save()
    return user


@database_sync_to_async
def _audit(action: str) -> list[tuple[str, str]]:
    return [
        (entry.actor.username, entry.reason)
        for entry in AuditEntry.objects.filter(action=action).select_related("actor").order_by("id")
    ]


async def _agent_in_chat(chat: ChatWorld) -> tuple[Client, Client, int]:
    """Camille (lille0) logged in and talking with Jeanne."""
    desk = await agent_client(chat.agent("lille0").user)
    await desk.send({"type": "hello"})
    await desk.until("state")
    await desk.send({"type": "presence", "state": "available", "ref": "p"})
    await desk.until("ack")
    await chat.step()
    contact_id, token = await start_chat()
    await chat.step()
    await desk.until("offer.made")
    await desk.send({"type": "accept", "contact_id": contact_id})
    await desk.until_all("ack", "chat.opened")
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    await customer.until("welcome")
    await customer.drain()
    return desk, customer, contact_id


async def test_instant_messages_flow_both_ways_and_survive_a_reconnect(
    chat_world: ChatWorld,
) -> None:
    agent = chat_world.agent("lille0")
    supervisor = await _name_supervisor(chat_world)
    desk = await agent_client(agent.user)
    await desk.send({"type": "hello"})
    await desk.until("state")
    coach = await coach_client(supervisor)
    await coach.send({"type": "thread", "agent_id": agent.pk})
    assert (await coach.until("coaching.thread"))["messages"] == []

    await coach.send(
        {"type": "im", "agent_id": agent.pk, "client_id": "s0", "body": "Ça va ?", "ref": "x"}
    )
    refused = await coach.until("error")
    await coach.send(
        {"type": "im", "agent_id": agent.pk, "client_id": "s1", "body": "Ça va ?", "reason": "AHT"}
    )
    ack = await coach.until("ack")
    shown = await desk.until("help.message")
    own = await coach.until("coaching.im")  # the supervisor's own, for their other tabs
    await desk.send({"type": "help", "body": "Oui, merci", "client_id": "a1"})
    answer = await coach.until("coaching.im")
    await desk.close()
    await coach.send({"type": "im", "agent_id": agent.pk, "client_id": "s2", "body": "Parfait"})
    await coach.until("ack")
    desk = await agent_client(agent.user)
    await desk.send({"type": "hello", "last_event_id": shown["id"]})
    missed = [f for f in await desk.drain() if f["type"] == "help.message"]

    assert (refused["code"], refused["ref"]) == ("reason_required", "x")
    assert (ack["client_id"], shown["message"]["body"]) == ("s1", "Ça va ?")
    assert shown["message"]["from_agent"] is own["message"]["from_agent"] is False
    assert (answer["agent_id"], answer["message"]["body"]) == (agent.pk, "Oui, merci")
    assert answer["message"]["from_agent"] is True
    assert [f["message"]["body"] for f in missed] == ["Oui, merci", "Parfait"]
    assert await _audit("supervision.instant_message") == [
        ("supervisor.lille", "AHT"),
        ("supervisor.lille", f"help thread #{shown['message']['thread_id']}"),
    ]
    await desk.close()
    await coach.close()


async def test_a_silent_join_sees_the_chat_while_nobody_is_told(chat_world: ChatWorld) -> None:
    desk, customer, contact_id = await _agent_in_chat(chat_world)
    coach = await coach_client(await _name_supervisor(chat_world))

    await coach.send(
        {"type": "join", "contact_id": contact_id, "mode": "silent", "reason": "new hire"}
    )
    joined = await coach.until("coaching.chat")
    await customer.send({"type": "message", "client_id": "c1", "body": "Où est mon colis ?"})
    live = await coach.until("coaching.chat_message")
    await desk.send(
        {"type": "message", "contact_id": contact_id, "client_id": "m1", "body": "Je regarde"}
    )
    reply = await coach.until("coaching.chat_message")
    await coach.send({"type": "say", "contact_id": contact_id, "client_id": "s1", "body": "x"})
    refused = await coach.until("error")

    assert [m["body"] for m in joined["messages"]][:1] == ["Bonjour"]
    assert joined["mode"] == "silent"
    assert live["message"]["body"] == "Où est mon colis ?"
    assert (reply["message"]["sender"], reply["message"]["body"]) == ("agent", "Je regarde")
    assert refused["code"] == "not_joined"
    told = json.dumps(await customer.drain() + await desk.drain() + customer.seen + desk.seen)
    assert "supervisor" not in told
    assert "Sophie" not in told
    assert await _audit("supervision.chat_join") == [("supervisor.lille", "new hire")]
    for client in (desk, customer, coach):
        await client.close()


async def test_a_visible_join_is_announced_to_both_without_site_or_partner(
    chat_world: ChatWorld,
) -> None:
    desk, customer, contact_id = await _agent_in_chat(chat_world)
    coach = await coach_client(await _name_supervisor(chat_world))

    await coach.send(
        {"type": "join", "contact_id": contact_id, "mode": "visible", "reason": "escalation"}
    )
    await coach.until("coaching.chat")
    await coach.until("ack")
    told_customer = await customer.until("message")
    told_agent = await desk.until("chat.message")
    await coach.send(
        {"type": "say", "contact_id": contact_id, "client_id": "s1", "body": "Je m'en occupe"}
    )
    ack, echoed = await coach.until_all("ack", "coaching.chat_message")
    to_customer = await customer.until("message")
    to_agent = await desk.until("chat.message")

    assert told_customer["message"]["event"] == "supervisor_joined"
    assert told_customer["message"]["author"] == "Sophie"
    assert told_agent["message"]["event"] == "supervisor_joined"
    assert (to_customer["message"]["sender"], to_customer["message"]["body"]) == (
        "supervisor",
        "Je m'en occupe",
    )
    assert to_agent["message"]["sender"] == "supervisor"
    assert echoed["message"]["id"] == ack["id"]
    stored = await database_sync_to_async(ChatMessage.objects.get)(
        contact_id=contact_id, seq=ack["id"]
    )
    assert stored.body == "Je m'en occupe"
    seen = json.dumps(customer.seen)
    for leak in ("Durand", "supervisor.lille", "Lille", "Atlas", "Carpathia", "Domicile"):
        assert leak not in seen
    assert await _audit("supervision.chat_join") == [("supervisor.lille", "escalation")]
    for client in (desk, customer, coach):
        await client.close()


async def test_out_of_scope_is_not_found_and_other_roles_are_refused(
    chat_world: ChatWorld,
) -> None:
    desk, customer, contact_id = await _agent_in_chat(chat_world)
    agent = chat_world.agent("lille0")
    manager = await coach_client(chat_world.world.users["partner_manager"])  # Atlas only

    await manager.send({"type": "thread", "agent_id": agent.pk})
    thread = await manager.until("error")
    await manager.send(
        {"type": "im", "agent_id": agent.pk, "client_id": "x", "body": "x", "reason": "x"}
    )
    message = await manager.until("error")
    await manager.send({"type": "join", "contact_id": contact_id, "mode": "silent", "reason": "x"})
    join = await manager.until("error")
    planner = WebsocketCommunicator(CoachingConsumer.as_asgi(), "/ws/supervision/coaching/")
    planner.scope["user"] = chat_world.world.users["planner"]
    connected, code = await planner.connect()

    assert [thread["code"], message["code"], join["code"]] == ["not_found"] * 3
    assert (connected, code) == (False, 4403)
    assert await _audit("supervision.chat_join") == []
    assert await _audit("supervision.instant_message") == []
    for client in (desk, customer, manager):
        await client.close()


async def test_a_broadcast_is_in_the_agents_stream_after_a_reconnect(
    chat_world: ChatWorld,
) -> None:
    agent = chat_world.agent("lille0")
    desk = await agent_client(agent.user)
    await desk.send({"type": "hello"})
    state = await desk.until("state")
    await desk.close()

    await database_sync_to_async(services.broadcast_send)(
        actor=chat_world.world.users["supervisor"],
        target_kind="team",
        target_id=agent.team_id,
        message="Nouvelle procédure de retour",
        reason="briefing",
    )
    desk = await agent_client(agent.user)
    await desk.send({"type": "hello", "last_event_id": state["last_event_id"]})
    (frame,) = [f for f in await desk.drain() if f["type"] == "supervision.broadcast"]

    assert frame["id"] == state["last_event_id"] + 1
    assert frame["message"] == "Nouvelle procédure de retour"
    await desk.close()
