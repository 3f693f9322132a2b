"""The router follows the agents' desktop connections (leases): docs/presence.md."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.interactions import services
from relais.apps.interactions.models import (
    AgentPresence,
    ContactEvent,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.realtime.models import Connection
from relais.apps.router.router import PRESENCE_EVERY_S, Router
from tests.apps.presence import desk_close, desk_open
from tests.apps.router.test_router import agent, arrive
from tests.apps.routing.fixtures import Routing

S = ContactState
pytestmark = pytest.mark.usefixtures("in_memory_layer")


def login_with_desk(routing: Routing, key: str) -> str:
    lille = agent(routing, key)
    channel = desk_open(lille)
    services.agent_login(actor=lille.user, agent=lille)
    routing.step()
    return channel


def closed_long_ago(channel: str, seconds: float) -> None:
    """The connection closed `seconds` ago (as if the grace had run meanwhile)."""
    Connection.objects.filter(channel_name=channel).update(
        closed_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_an_agent_logged_in_without_a_desktop_is_offered_nothing(routing: Routing) -> None:
    lille0 = agent(routing, "lille0")
    services.agent_login(actor=lille0.user, agent=lille0)
    routing.step()
    (contact,) = arrive(routing)
    assert routing.contact(contact).state == S.QUEUED
    desk_open(lille0)
    routing.step()
    assert (routing.contact(contact).state, routing.contact(contact).agent_id) == (
        S.OFFERED,
        lille0.pk,
    )


def test_a_closed_desktop_gets_no_offer_and_a_reload_within_the_grace_changes_nothing(
    routing: Routing,
) -> None:
    first = login_with_desk(routing, "lille0")
    login_with_desk(routing, "lille1")
    desk_close(agent(routing, "lille0"), first)
    routing.advance(1)  # lille0 is the longest idle
    made = arrive(routing, 2)
    assert {routing.contact(pk).agent_id for pk in made} == {agent(routing, "lille1").pk}

    desk_open(agent(routing, "lille0"))  # the reload
    routing.step()
    assert AgentPresence.objects.get(agent=agent(routing, "lille0")).state == (
        PresenceState.AVAILABLE
    )
    (third,) = arrive(routing)
    assert routing.contact(third).agent_id == agent(routing, "lille0").pk


def test_two_tabs_are_one_presence(routing: Routing) -> None:
    first = login_with_desk(routing, "lille0")
    desk_open(agent(routing, "lille0"))
    desk_close(agent(routing, "lille0"), first)
    routing.step()
    (contact,) = arrive(routing)
    assert routing.contact(contact).agent_id == agent(routing, "lille0").pk


def test_after_the_grace_the_agent_is_disconnected_and_the_offer_goes_back_to_its_place(
    routing: Routing,
) -> None:
    channel = login_with_desk(routing, "lille0")
    (contact,) = arrive(routing)
    assert routing.contact(contact).state == S.OFFERED
    desk_close(agent(routing, "lille0"), channel)
    closed_long_ago(channel, routing.router.grace_s + 1)
    routing.step()

    presence = AgentPresence.objects.get(agent=agent(routing, "lille0"))
    assert (presence.state, presence.logged_in) == (PresenceState.DISCONNECTED, False)
    assert (routing.contact(contact).state, routing.contact(contact).agent_id) == (S.QUEUED, None)
    withdrawn = ContactEvent.objects.get(kind=EventKind.OFFER_WITHDRAWN, contact_id=contact)
    assert withdrawn.data == {"reason": "agent_disconnected"}
    logged = ContactEvent.objects.filter(kind=EventKind.AGENT_STATE_CHANGED).last()
    assert logged is not None
    assert logged.data["state"] == "disconnected"

    lille1 = agent(routing, "lille1")
    desk_open(lille1)
    services.agent_login(actor=lille1.user, agent=lille1)
    routing.step()
    assert routing.contact(contact).agent_id == lille1.pk


def test_a_disconnected_agent_logs_in_again_from_their_desktop(routing: Routing) -> None:
    channel = login_with_desk(routing, "lille0")
    desk_close(agent(routing, "lille0"), channel)
    closed_long_ago(channel, routing.router.grace_s + 1)
    routing.step()
    lille0 = agent(routing, "lille0")
    desk_open(lille0)
    services.agent_login(actor=lille0.user, agent=lille0)
    routing.step()
    (contact,) = arrive(routing)
    assert routing.contact(contact).agent_id == lille0.pk


def test_a_process_that_died_leaves_stale_connections_that_count_as_lost(
    routing: Routing, settings: object
) -> None:
    channel = login_with_desk(routing, "lille0")
    long_ago = timezone.now() - dt.timedelta(seconds=routing.router.grace_s + 60)
    Connection.objects.filter(channel_name=channel).update(seen_at=long_ago)  # no heartbeat
    routing.advance(PRESENCE_EVERY_S)  # the periodic read of every lease
    assert AgentPresence.objects.get(agent=agent(routing, "lille0")).state == (
        PresenceState.DISCONNECTED
    )


def test_after_a_restart_nobody_absent_is_offered_anything(routing: Routing) -> None:
    here = login_with_desk(routing, "lille0")
    gone = login_with_desk(routing, "lille1")
    desk_close(agent(routing, "lille1"), gone)
    closed_long_ago(gone, 2)  # the server stopped: its connections closed
    restarted = Router(clock=routing.clock)
    with routing.on_commit(execute=True):
        restarted.rebuild()
    routing.router = restarted
    made = arrive(routing, 2)
    assert {routing.contact(pk).agent_id for pk in made} == {agent(routing, "lille0").pk}
    assert Connection.objects.get(channel_name=here).closed_at is None

    routing.advance(restarted.grace_s)  # lille1 did not come back
    assert AgentPresence.objects.get(agent=agent(routing, "lille1")).state == (
        PresenceState.DISCONNECTED
    )
