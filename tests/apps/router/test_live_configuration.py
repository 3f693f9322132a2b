"""Administrators and directors steer the running router: an overflow step opened or
closed now, a queue's priority changed. The routing services append
`queue.configuration_changed`; the router rebuilds from the record at its next step (no
restart, no waiting for the step's delay)."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.interactions import services
from relais.apps.interactions.log import router_wakeup
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent, Skill
from relais.apps.router import services as routing_services
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import AgentInbox, Routing

S = ContactState
pytestmark = pytest.mark.usefixtures("in_memory_layer")


def agent(routing: Routing, key: str) -> Agent:
    return routing.world.agents[key]


def lille_on_break(routing: Routing) -> None:
    """Lille (step 0) logged in but on a break: step 0 is not skipped, contacts wait there."""
    lille0 = agent(routing, "lille0")
    desk_open(lille0)
    services.agent_login(actor=lille0.user, agent=lille0)
    services.agent_break_start(actor=lille0.user, agent=lille0, reason="lunch")
    routing.step()


def login(routing: Routing, key: str) -> None:
    desk_open(agent(routing, key))
    services.agent_login(actor=agent(routing, key).user, agent=agent(routing, key))
    routing.step()


def arrive(routing: Routing, queue: str = "orders", count: int = 1) -> list[int]:
    admin = routing.world.users["administrator"]
    made = [services.contact_create(actor=admin, queue_code=queue).pk for _ in range(count)]
    routing.step()
    return made


def step_override(routing: Routing, state: str, reason: str = "Lille is swamped") -> None:
    step = OverflowStep.objects.get(queue=routing.queue, order=1)  # Atlas Contact after 30 s
    routing_services.overflow_step_override(
        actor=routing.world.users["director"], step=step, state=state, reason=reason
    )


def test_opening_the_atlas_step_offers_waiting_contacts_to_rabat_at_once(
    routing: Routing,
) -> None:
    lille_on_break(routing)
    rabat0 = agent(routing, "rabat0")
    inbox = AgentInbox(rabat0)
    login(routing, "rabat0")
    first, second = arrive(routing, count=2)
    routing.advance(5)
    assert [Contact.objects.get(pk=pk).state for pk in (first, second)] == [S.QUEUED, S.QUEUED]
    rebuilds = routing.router.rebuilds

    step_override(routing, "open")
    routing.step()  # the clock has not moved: 5 s of waiting, the step's delay is 30 s

    rows = [Contact.objects.get(pk=pk) for pk in (first, second)]
    assert [(r.state, r.agent_id, r.partner_id, r.overflow_step) for r in rows] == [
        (S.OFFERED, rabat0.pk, routing.world.atlas.pk, 1)
    ] * 2  # a chat agent takes several contacts at once
    assert routing.router.rebuilds == rebuilds + 1
    offers = [m["contact_id"] for m in inbox.offers() if m["type"] == "offer.made"]
    assert offers == [first, second]  # in their order in the line


def test_closing_the_step_stops_further_offers_there(routing: Routing) -> None:
    lille_on_break(routing)
    Agent.objects.filter(pk=agent(routing, "rabat0").pk).update(capacity_chat=1)
    routing.router.rebuild()
    login(routing, "rabat0")
    step_override(routing, "open")
    first, second = arrive(routing, count=2)
    rabat0 = agent(routing, "rabat0")
    assert Contact.objects.get(pk=first).agent_id == rabat0.pk
    services.offer_accept(actor=rabat0.user, contact=Contact.objects.get(pk=first))
    routing.step()

    step_override(routing, "closed", reason="Atlas needed on another client")
    routing.step()
    services.contact_complete(actor=rabat0.user, contact=Contact.objects.get(pk=first))
    routing.step()
    routing.advance(60)  # past the step's own 30 s, before the last step's 90 s

    row = Contact.objects.get(pk=second)
    assert (row.state, row.agent_id) == (S.QUEUED, None)
    assert Contact.objects.get(pk=first).state == S.CLOSED  # Rabat is free, and not offered

    step_override(routing, "", reason="back to normal")  # its rules again: 30 s are past
    routing.step()
    assert Contact.objects.get(pk=second).agent_id == rabat0.pk


def test_a_higher_priority_serves_the_queue_waiting_contacts_first(routing: Routing) -> None:
    returns = Queue.objects.create(
        code="returns", name_fr="Retours", name_en="Returns", channel=Channel.CHAT
    )
    QueueSkill.objects.create(queue=returns, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=returns, order=0, after_seconds=0, internal=True)
    lille0 = agent(routing, "lille0")
    Agent.objects.filter(pk=lille0.pk).update(capacity_chat=1)  # one contact at a time
    routing.router.rebuild()
    lille_on_break(routing)
    (older,) = arrive(routing, "orders")
    routing.advance(1)
    (newer,) = arrive(routing, "returns")

    routing_services.queue_priority_set(
        actor=routing.world.users["director"], queue=returns, priority=5, reason="VIP campaign"
    )
    routing.step()
    services.agent_break_end(actor=lille0.user, agent=lille0)
    routing.step()

    assert Contact.objects.get(pk=newer).priority == 5
    assert (Contact.objects.get(pk=newer).state, Contact.objects.get(pk=older).state) == (
        S.OFFERED,
        S.QUEUED,
    )


def test_a_configuration_change_wakes_the_router_at_commit(
    routing: Routing, django_capture_on_commit_callbacks: Any
) -> None:
    router_wakeup.clear()

    with django_capture_on_commit_callbacks(execute=True):
        step_override(routing, "open")

    assert router_wakeup.is_set()
    (event,) = ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED)
    assert (event.by_router, event.queue_id, event.actor) == (
        False,
        routing.queue.pk,
        routing.world.users["director"],
    )
