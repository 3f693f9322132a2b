"""A joined chat that leaves the supervisor's scope ends their subscription (issue 15,
finding 4): real consumers (the agent's desktop, the customer's chat, the coaching socket)
over the in-memory layer and a committed database."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.apps.chat.models import ChatMessage
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.supervision.coaching.selectors import chat_in_scope
from tests.apps.chat.fixtures import ChatWorld, Client, chat_world
from tests.apps.supervision.coaching.test_consumer import _agent_in_chat, coach_client

__all__ = ["chat_world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _joined(chat: ChatWorld, user: str = "supervisor") -> tuple[Client, Client, Client, int]:
    """Camille (lille0) talks with Jeanne; the user follows the chat silently."""
    desk, customer, contact_id = await _agent_in_chat(chat)
    coach = await coach_client(chat.world.users[user])
    await coach.send({"type": "join", "contact_id": contact_id, "mode": "silent", "reason": "r"})
    await coach.until_all("coaching.chat", "ack")
    return desk, customer, coach, contact_id


async def _said(customer: Client, body: str) -> None:
    await customer.send({"type": "message", "client_id": body, "body": body})
    await customer.until("ack")


def _bodies(frames: list[dict[str, Any]]) -> list[str]:
    return [f["message"]["body"] for f in frames if f["type"] == "coaching.chat_message"]


async def test_a_chat_transferred_to_another_partner_leaves_the_supervisors_page(
    chat_world: ChatWorld,
) -> None:
    # given the Lille supervisor following Camille's chat
    desk, customer, coach, contact_id = await _joined(chat_world)
    rabat0 = chat_world.agent("rabat0")

    # when Camille transfers it to an agent of Atlas Contact
    await desk.send({"type": "transfer", "contact_id": contact_id, "agent_id": rabat0.pk})
    await desk.until("ack")
    left = await coach.until("coaching.chat_left")
    await _said(customer, "Toujours là ?")

    # then the supervisor is told, and sees nothing more of it
    assert left == {
        "type": "coaching.chat_left",
        "contact_id": contact_id,
        "reason": "out_of_scope",
    }
    assert _bodies(await coach.drain()) == []
    for client in (desk, customer, coach):
        await client.close()


@database_sync_to_async
def _transfer_through_the_api(contact_id: int) -> None:
    """What `POST /api/v1/contacts/<id>/transfer` does: no chat message on the way."""
    contact = Contact.objects.select_related("agent__user").get(pk=contact_id)
    interactions.contact_transfer(actor=contact.agent.user, contact=contact, queue_code="orders")


async def test_a_transfer_that_says_nothing_in_the_chat_ends_the_subscription_too(
    chat_world: ChatWorld,
) -> None:
    desk, customer, coach, contact_id = await _joined(chat_world)

    await _transfer_through_the_api(contact_id)
    left = await coach.until("coaching.chat_left")
    await _said(customer, "Allô ?")

    assert left["contact_id"] == contact_id
    assert _bodies(await coach.drain()) == []
    for client in (desk, customer, coach):
        await client.close()


async def test_a_visible_joiner_cannot_write_in_a_chat_that_left_their_scope(
    chat_world: ChatWorld,
) -> None:
    desk, customer, contact_id = await _agent_in_chat(chat_world)
    coach = await coach_client(chat_world.world.users["supervisor"])
    await coach.send({"type": "join", "contact_id": contact_id, "mode": "visible", "reason": "r"})
    await coach.until_all("coaching.chat", "ack")

    await _transfer_through_the_api(contact_id)
    await coach.until("coaching.chat_left")
    await coach.send({"type": "say", "contact_id": contact_id, "client_id": "s1", "body": "x"})
    refused = await coach.until("error")

    assert refused["code"] == "not_found"
    said = await database_sync_to_async(
        lambda: ChatMessage.objects.filter(contact_id=contact_id, sender="supervisor").count()
    )()
    assert said == 0
    for client in (desk, customer, coach):
        await client.close()


@database_sync_to_async
def _hand_over_silently(contact_id: int, agent: Agent) -> None:
    """The record changes hands with no push at all (a path that forgot to tell)."""
    Contact.objects.filter(pk=contact_id).update(agent=agent, site=agent.site)


async def test_every_pushed_message_is_checked_against_the_current_scope(
    chat_world: ChatWorld,
) -> None:
    desk, customer, coach, contact_id = await _joined(chat_world)
    await _said(customer, "Avant")
    before = await coach.until("coaching.chat_message")

    await _hand_over_silently(contact_id, chat_world.agent("bucarest0"))
    await _said(customer, "Après")
    left = await coach.until("coaching.chat_left")

    assert before["message"]["body"] == "Avant"
    assert left["contact_id"] == contact_id
    assert _bodies(await coach.drain()) == []  # "Après" never reached the supervisor
    for client in (desk, customer, coach):
        await client.close()


async def test_a_transfer_within_the_scope_of_a_whole_organisation_viewer_keeps_it(
    chat_world: ChatWorld,
) -> None:
    # given a director following the chat: every agent is in their scope
    desk, customer, coach, contact_id = await _joined(chat_world, "director")

    await _transfer_through_the_api(contact_id)
    await _said(customer, "Allô ?")
    frames = await coach.drain()

    assert "coaching.chat_left" not in [f["type"] for f in frames]
    assert "Allô ?" in _bodies(frames)
    for client in (desk, customer, coach):
        await client.close()


@database_sync_to_async
def _queries_of_a_check(chat: ChatWorld, user: str, contact_id: int) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as captured:
        kept = chat_in_scope(viewer=chat.world.users[user], contact_id=contact_id)
    return kept, len(captured.captured_queries)


async def test_the_check_of_each_frame_costs_a_few_small_queries(chat_world: ChatWorld) -> None:
    desk, customer, contact_id = await _agent_in_chat(chat_world)

    supervisor = await _queries_of_a_check(chat_world, "supervisor", contact_id)
    director = await _queries_of_a_check(chat_world, "director", contact_id)
    manager = await _queries_of_a_check(chat_world, "partner_manager", contact_id)  # Atlas

    assert supervisor == (True, 3)  # their teams (twice), then the contact
    assert director == (True, 1)
    assert manager == (False, 1)
    for client in (desk, customer):
        await client.close()
