"""Customer liveness: a waiting chat whose customer is gone is abandoned (chat/liveness.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from relais.apps.chat.liveness import customers_gone_abandon
from relais.apps.chat.models import ChatMessage, ChatSession, SystemEvent
from relais.apps.chat.selectors import wait_estimate
from relais.apps.interactions.models import (
    CloseReason,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
)
from relais.apps.realtime.models import Connection
from tests.apps.chat.fixtures import ChatWorld, Client, customer_client, start_chat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

QUEUE_GRACE = 60


@database_sync_to_async
def later(seconds: float) -> int:
    """Run the sweep as if `seconds` had passed."""
    return customers_gone_abandon(timezone.now() + dt.timedelta(seconds=seconds))


@database_sync_to_async
def contact(pk: int) -> Contact:
    return Contact.objects.get(pk=pk)


@database_sync_to_async
def leases(pk: int) -> list[tuple[bool, bool, bool]]:
    return [
        (c.closed_at is None, c.hidden, c.goodbye)
        for c in Connection.objects.filter(kind="chat", subject_id=pk).order_by("id")
    ]


async def connected(token: str) -> Client:
    customer = await customer_client()
    await customer.send({"type": "hello", "token": token})
    assert (await customer.until("welcome"))["state"] == "waiting"
    return customer


async def waiting_customer(chat_world: ChatWorld, name: str = "Jeanne") -> tuple[int, Client]:
    """A customer whose chat waits (nobody is logged in) with the widget connected."""
    contact_id, token = await start_chat(name=name)
    await chat_world.step()
    return contact_id, await connected(token)


async def test_a_customer_who_closed_the_page_is_abandoned_after_the_queue_grace(
    chat_world: ChatWorld,
) -> None:
    contact_id, customer = await waiting_customer(chat_world)
    assert await leases(contact_id) == [(True, False, False)]
    await customer.send({"type": "bye"})
    await customer.drain(0.2)
    await customer.close()
    assert await leases(contact_id) == [(False, False, True)]

    assert await later(QUEUE_GRACE - 5) == 0  # within the grace: still waiting
    assert (await contact(contact_id)).state == ContactState.QUEUED
    assert await later(QUEUE_GRACE + 1) == 1
    gone = await contact(contact_id)
    assert (gone.state, gone.close_reason) == (ContactState.ABANDONED, CloseReason.CUSTOMER_LEFT)
    event = await database_sync_to_async(
        lambda: ContactEvent.objects.get(kind=EventKind.CONTACT_ABANDONED, contact_id=contact_id)
    )()
    assert event.data == {"reason": "customer_left"}
    left = await database_sync_to_async(
        lambda: list(ChatMessage.objects.filter(contact_id=contact_id).values_list("event", "body"))
    )()
    assert left == [("", "Bonjour"), (SystemEvent.CUSTOMER_LEFT, "")]  # nothing typed is lost
    assert await later(QUEUE_GRACE + 10) == 0  # once


async def test_a_customer_who_comes_back_within_the_grace_keeps_their_place(
    chat_world: ChatWorld,
) -> None:
    contact_id, token = await start_chat()
    await chat_world.step()
    customer = await connected(token)
    await customer.close()  # a reload, or the next page of the shop
    again = await connected(token)
    assert await later(QUEUE_GRACE + 1) == 0
    assert (await contact(contact_id)).state == ContactState.QUEUED
    await again.close()


async def test_a_hidden_page_is_waited_for_longer(chat_world: ChatWorld, settings: object) -> None:
    contact_id, customer = await waiting_customer(chat_world)
    await customer.send({"type": "visibility", "hidden": True})
    await customer.drain(0.2)
    await customer.close()  # the phone paused the tab
    assert await leases(contact_id) == [(False, True, False)]
    assert await later(QUEUE_GRACE + 1) == 0
    assert (await contact(contact_id)).state == ContactState.QUEUED
    hidden_grace = settings.CUSTOMER_HIDDEN_GRACE_S  # type: ignore[attr-defined]
    assert await later(hidden_grace + 1) == 1


async def test_a_hidden_page_that_says_goodbye_was_closed(chat_world: ChatWorld) -> None:
    _, customer = await waiting_customer(chat_world)
    await customer.send({"type": "visibility", "hidden": True})
    await customer.send({"type": "bye"})
    await customer.drain(0.2)
    await customer.close()
    assert await later(QUEUE_GRACE + 1) == 1


async def test_a_connected_customer_is_never_abandoned(chat_world: ChatWorld) -> None:
    contact_id, customer = await waiting_customer(chat_world)
    await database_sync_to_async(  # the chat began long ago; the widget is still open
        lambda: Contact.objects.filter(pk=contact_id).update(
            created_at=timezone.now() - dt.timedelta(hours=1)
        )
    )()
    assert await later(0) == 0
    assert (await contact(contact_id)).state == ContactState.QUEUED
    await customer.close()


async def test_a_chat_in_an_agents_hands_is_never_abandoned(chat_world: ChatWorld) -> None:
    in_hand, _ = await start_chat(name="En conversation")
    await database_sync_to_async(
        lambda: Contact.objects.filter(pk=in_hand).update(state=ContactState.ACCEPTED)
    )()
    assert await later(QUEUE_GRACE * 100) == 0
    assert (await contact(in_hand)).state == ContactState.ACCEPTED


async def test_a_customer_who_never_connected_is_measured_from_the_chats_creation(
    chat_world: ChatWorld,
) -> None:
    contact_id, _ = await start_chat()
    await chat_world.step()
    assert await later(QUEUE_GRACE - 5) == 0
    assert await later(QUEUE_GRACE + 1) == 1
    assert (await contact(contact_id)).state == ContactState.ABANDONED


async def test_the_others_move_up_when_a_customer_ahead_is_abandoned(
    chat_world: ChatWorld,
) -> None:
    first, gone = await waiting_customer(chat_world, "Première")
    second, _stays = await waiting_customer(chat_world, "Deuxième")
    session = await database_sync_to_async(lambda: ChatSession.objects.get(contact_id=second))()
    before = await database_sync_to_async(lambda: wait_estimate(viewer=session))()
    assert before is not None
    assert before.position == 2
    await gone.close()
    assert await later(QUEUE_GRACE + 1) == 1
    await chat_world.step()  # the router applies the abandon
    after = await database_sync_to_async(lambda: wait_estimate(viewer=session))()
    assert after is not None
    assert after.position == 1
    assert (await contact(first)).state == ContactState.ABANDONED
