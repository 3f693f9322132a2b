"""Every request about contacts and presence: transitions, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions import services
from relais.apps.interactions.models import (
    AgentPresence,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

S = ContactState


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def record() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Contact.objects.order_by("pk").values()),
        list(AgentPresence.objects.order_by("pk").values()),
        ContactEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(code: str, request: Callable[[], object]) -> None:
    before = record()
    with pytest.raises(RelaisError) as raised:
        request()
    assert raised.value.code.value == code
    assert record() == before


def held(contact: Contact, agent: Agent, state: str, **fields: Any) -> Contact:
    """Put the contact where the router would have (test setup)."""
    now = timezone.now()
    defaults: dict[str, Any] = {"offer_expires_at": now + dt.timedelta(seconds=20)}
    Contact.objects.filter(pk=contact.pk).update(
        state=state, agent=agent, site_id=agent.site_id, queued_at=now, **(defaults | fields)
    )
    return Contact.objects.get(pk=contact.pk)


def new_contact(world: World) -> Contact:
    return services.contact_create(actor=world.users["administrator"], queue_code="orders")


def test_a_new_contact_is_created_with_its_queue_priority_and_a_request_in_the_log(
    world: World, queue: Queue
) -> None:
    contact = services.contact_create(
        actor=world.users["administrator"],
        queue_code="orders",
        channel="chat",
        customer_reference="C-42",
        attributes={"order": "A-1"},
    )

    assert contact.state == S.CREATED
    assert contact.priority == queue.priority
    assert contact.created_at is not None
    event = ContactEvent.objects.get(contact=contact)
    assert (event.kind, event.by_router, event.actor) == (
        EventKind.CONTACT_CREATED,
        False,
        world.users["administrator"],
    )
    assert AuditEntry.objects.filter(action="contact.create", object_id=str(contact.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"queue_code": "nowhere"}, "unknown_queue"),
        ({"queue_code": "orders", "channel": "voice"}, "channel_mismatch"),
        ({"queue_code": "orders", "attributes": {"x": "y" * 20_000}}, "attributes_too_large"),
    ],
)
def test_a_bad_contact_is_refused(
    world: World, queue: Queue, fields: dict[str, Any], code: str
) -> None:
    refused(code, lambda: services.contact_create(actor=None, **fields))


def test_an_inactive_queue_takes_no_contact(world: World, queue: Queue) -> None:
    Queue.objects.filter(pk=queue.pk).update(active=False)
    refused("queue_inactive", lambda: services.contact_create(actor=None, queue_code="orders"))


def test_the_offered_agent_accepts(world: World, queue: Queue) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.OFFERED)

    accepted = services.offer_accept(actor=agent.user, contact=contact)

    assert accepted.state == S.ACCEPTED
    assert accepted.accepted_at is not None
    assert ContactEvent.objects.filter(contact=contact, kind=EventKind.OFFER_ACCEPTED).exists()


def test_nobody_else_accepts_an_offer(world: World, queue: Queue) -> None:
    contact = held(new_contact(world), world.agents["lille0"], S.OFFERED)
    for user in (world.agents["lille1"].user, world.users["supervisor"], world.users["director"]):
        refused(
            "not_your_offer", lambda user=user: services.offer_accept(actor=user, contact=contact)
        )


def test_an_expired_offer_cannot_be_accepted(world: World, queue: Queue) -> None:
    agent = world.agents["lille0"]
    past = timezone.now() - dt.timedelta(seconds=1)
    contact = held(new_contact(world), agent, S.OFFERED, offer_expires_at=past)
    refused("offer_expired", lambda: services.offer_accept(actor=agent.user, contact=contact))


@pytest.mark.parametrize("state", [S.CREATED, S.QUEUED, S.ACCEPTED, S.WRAP_UP, S.CLOSED])
def test_only_an_offered_contact_is_accepted_or_rejected(
    world: World, queue: Queue, state: str
) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, state)
    refused("invalid_transition", lambda: services.offer_accept(actor=agent.user, contact=contact))
    refused("invalid_transition", lambda: services.offer_reject(actor=agent.user, contact=contact))


def test_a_rejected_contact_goes_back_to_its_place_never_to_this_agent(
    world: World, queue: Queue
) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.OFFERED)
    queued_at = contact.queued_at

    rejected = services.offer_reject(actor=agent.user, contact=contact)

    assert rejected.state == S.QUEUED
    assert rejected.agent is None
    assert rejected.queued_at == queued_at
    assert rejected.declined_by == [agent.pk]


def test_complete_closes_or_wraps_up(world: World, queue: Queue) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.ACCEPTED)
    closed = services.contact_complete(actor=agent.user, contact=contact)
    assert (closed.state, closed.close_reason) == (S.CLOSED, "handled")

    Queue.objects.filter(pk=queue.pk).update(wrap_up_seconds=30)
    contact = held(new_contact(world), agent, S.ACCEPTED)
    wrapping = services.contact_complete(actor=agent.user, contact=contact)
    assert wrapping.state == S.WRAP_UP
    assert wrapping.wrap_up_until == wrapping.wrap_up_at + dt.timedelta(seconds=30)


@pytest.mark.parametrize("state", [S.CREATED, S.QUEUED, S.OFFERED, S.WRAP_UP, S.CLOSED])
def test_only_an_accepted_contact_is_completed_or_transferred(
    world: World, queue: Queue, state: str
) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, state)
    refused(
        "invalid_transition", lambda: services.contact_complete(actor=agent.user, contact=contact)
    )
    refused(
        "invalid_transition",
        lambda: services.contact_transfer(actor=agent.user, contact=contact, queue_code="orders"),
    )


def test_transfer_to_a_queue_starts_a_new_wait_there(world: World, queue: Queue) -> None:
    other = orders_queue(world, code="vip")
    Queue.objects.filter(pk=other.pk).update(priority=5)
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.ACCEPTED)

    moved = services.contact_transfer(actor=agent.user, contact=contact, queue_code="vip")

    assert (moved.state, moved.queue_id, moved.priority, moved.agent) == (
        S.QUEUED,
        other.pk,
        5,
        None,
    )
    assert moved.transferred_at == moved.queued_at


def test_transfer_to_an_agent_waits_for_the_router(world: World, queue: Queue) -> None:
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.ACCEPTED)
    target = world.agents["lille1"]

    moved = services.contact_transfer(actor=agent.user, contact=contact, agent_id=target.pk)

    assert moved.state == S.QUEUED
    event = ContactEvent.objects.get(contact=contact, kind=EventKind.CONTACT_TRANSFERRED)
    assert event.data == {"from_queue": "orders", "to_agent": target.pk}


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({}, "transfer_target"),
        ({"queue_code": "orders", "agent_id": 1}, "transfer_target"),
        ({"queue_code": "nowhere"}, "unknown_queue"),
        ({"agent_id": 999_999}, "unknown_agent"),
        ({"agent_id": "self"}, "transfer_target"),
        ({"queue_code": "calls"}, "channel_mismatch"),
    ],
)
def test_a_bad_transfer_is_refused(
    world: World, queue: Queue, target: dict[str, Any], code: str
) -> None:
    orders_queue(world, code="calls", channel="voice")
    agent = world.agents["lille0"]
    contact = held(new_contact(world), agent, S.ACCEPTED)
    if target.get("agent_id") == "self":
        target = {"agent_id": agent.pk}
    refused(code, lambda: services.contact_transfer(actor=agent.user, contact=contact, **target))


@pytest.mark.parametrize("state", [S.CREATED, S.QUEUED, S.OFFERED])
def test_a_customer_abandons_while_waiting_or_offered(
    world: World, queue: Queue, state: str
) -> None:
    contact = held(new_contact(world), world.agents["lille0"], state)
    left = services.contact_abandon(actor=None, contact=contact)
    assert (left.state, left.agent) == (S.ABANDONED, None)
    assert left.abandoned_at is not None


@pytest.mark.parametrize("state", [S.ACCEPTED, S.WRAP_UP, S.CLOSED, S.ABANDONED])
def test_a_contact_in_hand_or_ended_is_not_abandoned(
    world: World, queue: Queue, state: str
) -> None:
    contact = held(new_contact(world), world.agents["lille0"], state)
    refused("invalid_transition", lambda: services.contact_abandon(actor=None, contact=contact))


# Presence ------------------------------------------------------------------------------------


def test_an_agent_logs_in_takes_a_break_comes_back_and_logs_out(world: World) -> None:
    agent = world.agents["lille0"]
    me = agent.user

    assert services.agent_login(actor=me, agent=agent).state == PresenceState.AVAILABLE
    on_break = services.agent_break_start(actor=me, agent=agent, reason="prayer")
    assert (on_break.state, on_break.break_reason) == (PresenceState.BREAK, "prayer")
    assert services.agent_break_end(actor=me, agent=agent).state == PresenceState.AVAILABLE
    assert services.agent_logout(actor=me, agent=agent).state == PresenceState.OFFLINE

    kinds = list(ContactEvent.objects.filter(agent=agent).values_list("kind", flat=True))
    assert kinds == [
        EventKind.AGENT_LOGGED_IN,
        EventKind.AGENT_BREAK_STARTED,
        EventKind.AGENT_BREAK_ENDED,
        EventKind.AGENT_LOGGED_OUT,
    ]
    assert AuditEntry.objects.filter(action__startswith="agent_presence.").count() == 4


def test_login_on_a_break(world: World) -> None:
    agent = world.agents["lille0"]
    presence = services.agent_login(actor=agent.user, agent=agent, break_reason="training")
    assert (presence.state, presence.break_reason) == (PresenceState.BREAK, "training")


def test_invalid_presence_changes_are_refused(world: World) -> None:
    agent = world.agents["lille0"]
    me = agent.user
    refused("not_logged_in", lambda: services.agent_logout(actor=me, agent=agent))
    refused(
        "not_logged_in", lambda: services.agent_break_start(actor=me, agent=agent, reason="lunch")
    )
    refused("not_on_break", lambda: services.agent_break_end(actor=me, agent=agent))
    services.agent_login(actor=me, agent=agent)
    refused("already_logged_in", lambda: services.agent_login(actor=me, agent=agent))
    refused("not_on_break", lambda: services.agent_break_end(actor=me, agent=agent))
    refused(
        "unknown_break_reason",
        lambda: services.agent_break_start(actor=me, agent=agent, reason="siesta"),
    )


def test_a_supervisor_changes_the_state_of_their_teams_agents_only(world: World) -> None:
    supervisor = world.users["supervisor"]
    mine, other = world.agents["lille0"], world.agents["rabat0"]

    assert services.agent_login(actor=supervisor, agent=mine).state == PresenceState.AVAILABLE
    for actor in (supervisor, world.users["partner_manager"], world.agents["lille1"].user):
        refused("not_an_agent", lambda actor=actor: services.agent_login(actor=actor, agent=other))
    assert services.agent_login(actor=world.users["administrator"], agent=other).logged_in


def test_an_inactive_agent_cannot_log_in(world: World) -> None:
    agent = world.agents["lille0"]
    Agent.objects.filter(pk=agent.pk).update(active=False)
    agent.refresh_from_db()
    refused("agent_inactive", lambda: services.agent_login(actor=agent.user, agent=agent))
