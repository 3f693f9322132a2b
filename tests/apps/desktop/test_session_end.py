"""A deactivated agent's open desktop (issue 15, finding 1): it is closed, the agent leaves
routing as on any disconnect, and no new chat is offered to them, even when the push that
closes the desktop is lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from relais.apps.accounts.models import User
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.realtime.models import Connection
from relais.apps.router.router import PRESENCE_EVERY_S
from tests.apps.chat.fixtures import ChatWorld, start_chat
from tests.apps.desktop.test_consumer import logged_in_agent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def _deactivate(user: User) -> None:
    fresh = User.objects.get(pk=user.pk)
    fresh.is_active = False
    fresh.save()  # as the admin's change form and the services save a user


@database_sync_to_async
def _open_leases(agent_id: int) -> int:
    return Connection.objects.filter(subject_id=agent_id, closed_at=None).count()


@database_sync_to_async
def _contact(contact_id: int) -> Contact:
    return Contact.objects.get(pk=contact_id)


@database_sync_to_async
def _connection_lost(agent_id: int) -> bool:
    return ContactEvent.objects.filter(
        agent_id=agent_id, kind=EventKind.AGENT_CONNECTION_LOST
    ).exists()


async def test_a_deactivated_agents_desktop_closes_and_gets_no_new_offer(
    chat_world: ChatWorld,
) -> None:
    agent = chat_world.agent("lille0")
    desk, _ = await logged_in_agent(chat_world)
    assert await _open_leases(agent.pk) == 1

    await _deactivate(agent.user)

    ended = await desk.until("session.ended")
    assert ended["reason"] == "deactivated"
    assert (await desk.ws.receive_output(timeout=3))["code"] == 4401
    await desk.close()  # the browser's side of the close: the consumer's disconnect runs
    assert await _open_leases(agent.pk) == 0  # leaves routing as any disconnect
    assert await _connection_lost(agent.pk)
    await chat_world.step()  # the router, woken by that request at its commit

    contact_id, _ = await start_chat()
    await chat_world.step()
    contact = await _contact(contact_id)
    assert (contact.state, contact.agent_id) == (ContactState.QUEUED, None)


async def test_an_agent_deactivated_without_a_push_is_offered_nothing(
    chat_world: ChatWorld, settings: Any
) -> None:
    """The push that closes the desktop is lost (a queryset update sends no signal): the
    router counts the agent's connection for nothing at its next look at the leases, and a
    frame pushed meanwhile ends the socket instead of reaching it."""
    settings.SESSION_CHECK_S = 0
    agent = chat_world.agent("lille0")
    desk, _ = await logged_in_agent(chat_world)

    await database_sync_to_async(User.objects.filter(pk=agent.user_id).update)(is_active=False)
    chat_world.clock.advance(PRESENCE_EVERY_S)
    await chat_world.step()  # the router's regular look at every desktop lease
    contact_id, _ = await start_chat()
    await chat_world.step()

    contact = await _contact(contact_id)
    assert (contact.state, contact.agent_id) == (ContactState.QUEUED, None)
    frames = await desk.drain()
    assert "offer.made" not in [frame["type"] for frame in frames]
    await desk.close()


async def test_a_frame_from_a_deactivated_agents_desktop_is_not_handled(
    chat_world: ChatWorld, settings: Any
) -> None:
    settings.SESSION_CHECK_S = 0
    agent = chat_world.agent("lille0")
    desk, _ = await logged_in_agent(chat_world)
    await database_sync_to_async(User.objects.filter(pk=agent.user_id).update)(is_active=False)

    await desk.send({"type": "presence", "state": "break", "reason": "lunch", "ref": "b1"})

    ended = await desk.until("session.ended")
    assert ended["reason"] == "deactivated"
    assert all(frame.get("ref") != "b1" for frame in desk.seen)  # no ack: not handled
    assert json.loads(json.dumps(ended))["message"]
    await desk.close()
