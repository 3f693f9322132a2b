"""The router over the record: requests in, decisions written, offers pushed after commit."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.interactions import services
from relais.apps.interactions.decisions import RecordConflict
from relais.apps.interactions.models import (
    AgentPresence,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.organisation.models import Agent
from relais.apps.router.router import Diverged, Router
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import AgentInbox, Routing

S = ContactState
pytestmark = pytest.mark.usefixtures("in_memory_layer")


def login(routing: Routing, *keys: str) -> None:
    for key in keys:
        agent = routing.world.agents[key]
        desk_open(agent)
        services.agent_login(actor=agent.user, agent=agent)
    routing.step()


def arrive(routing: Routing, count: int = 1) -> list[int]:
    admin = routing.world.users["administrator"]
    made = [services.contact_create(actor=admin, queue_code="orders").pk for _ in range(count)]
    routing.step()
    return made


def agent(routing: Routing, key: str) -> Agent:
    return routing.world.agents[key]


def test_a_new_contact_is_offered_and_the_offer_reaches_the_agent_after_commit(
    routing: Routing, django_capture_on_commit_callbacks: Any
) -> None:
    lille = agent(routing, "lille0")
    inbox = AgentInbox(lille)
    login(routing, "lille0")
    contact = services.contact_create(
        actor=routing.world.users["administrator"], queue_code="orders", customer_reference="C-1"
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        routing.router.step()
        assert inbox.offers() == []  # nothing leaves before commit
    for callback in callbacks:
        callback()

    row = Contact.objects.get(pk=contact.pk)
    assert (row.state, row.agent_id, row.site_id, row.partner_id) == (
        S.OFFERED,
        lille.pk,
        routing.world.lille.pk,
        None,
    )
    assert row.queued_at == row.offered_at
    assert row.offer_expires_at is not None
    (message,) = inbox.offers()
    assert message["type"] == "offer.made"
    assert (message["contact_id"], message["queue"], message["customer_name"]) == (
        contact.pk,
        "orders",
        "C-1",
    )
    assert AgentPresence.objects.get(agent=lille).state == PresenceState.BUSY


def test_overflow_to_atlas_after_30_seconds(routing: Routing) -> None:
    login(routing, "rabat0", "lille0")  # Atlas Contact is step 1, Lille step 0
    lille0 = agent(routing, "lille0")
    services.agent_break_start(actor=lille0.user, agent=lille0, reason="lunch")
    (second,) = arrive(routing)  # Lille is logged in (on a break): step 0 is not skipped
    assert Contact.objects.get(pk=second).state == S.QUEUED

    routing.advance(29)
    assert Contact.objects.get(pk=second).state == S.QUEUED
    routing.advance(1)

    row = Contact.objects.get(pk=second)
    assert (row.state, row.agent_id, row.partner_id) == (
        S.OFFERED,
        agent(routing, "rabat0").pk,
        routing.world.atlas.pk,
    )
    assert row.overflow_step == 1


def test_accept_complete_and_the_freed_agent_takes_the_next_contact(routing: Routing) -> None:
    routing.queue.__class__.objects.filter(pk=routing.queue.pk).update(wrap_up_seconds=10)
    routing.router.rebuild()  # configuration changes are read at rebuild
    login(routing, "lille0")
    lille = agent(routing, "lille0")
    Agent.objects.filter(pk=lille.pk).update(capacity_chat=1)
    routing.router.rebuild()
    first, second = arrive(routing, 2)

    services.offer_accept(actor=lille.user, contact=Contact.objects.get(pk=first))
    routing.step()
    services.contact_complete(actor=lille.user, contact=Contact.objects.get(pk=first))
    routing.step()
    assert Contact.objects.get(pk=first).state == S.WRAP_UP
    assert Contact.objects.get(pk=second).state == S.QUEUED

    routing.advance(10)

    assert Contact.objects.get(pk=first).state == S.CLOSED
    assert Contact.objects.get(pk=second).agent_id == lille.pk


def test_a_rejected_contact_goes_to_another_agent_never_back(routing: Routing) -> None:
    login(routing, "lille0")
    (contact,) = arrive(routing)
    lille0 = agent(routing, "lille0")
    services.offer_reject(actor=lille0.user, contact=Contact.objects.get(pk=contact))
    routing.step()
    assert Contact.objects.get(pk=contact).state == S.QUEUED

    login(routing, "lille1")

    row = Contact.objects.get(pk=contact)
    assert (row.state, row.agent_id, row.declined_by) == (
        S.OFFERED,
        agent(routing, "lille1").pk,
        [lille0.pk],
    )


def test_an_unanswered_offer_times_out_and_the_contact_keeps_its_place(routing: Routing) -> None:
    login(routing, "lille0")
    (contact,) = arrive(routing)
    queued_at = Contact.objects.get(pk=contact).queued_at
    inbox = AgentInbox(agent(routing, "lille0"))

    routing.advance(20)

    row = Contact.objects.get(pk=contact)
    assert row.timed_out_at is not None
    assert row.queued_at == queued_at
    assert row.state == S.OFFERED  # offered again, to the same (only) agent
    assert AgentPresence.objects.get(agent=agent(routing, "lille0")).missed_offers == 1
    assert [(m["type"], m.get("reason")) for m in inbox.offers()] == [
        ("offer.ended", "expired"),
        ("offer.made", None),
    ]


def test_logout_hands_the_offer_back(routing: Routing) -> None:
    login(routing, "lille0")
    (contact,) = arrive(routing)
    lille0 = agent(routing, "lille0")
    services.agent_logout(actor=lille0.user, agent=lille0)
    routing.step()

    row = Contact.objects.get(pk=contact)
    assert (row.state, row.agent_id) == (S.QUEUED, None)
    assert ContactEvent.objects.filter(contact_id=contact, kind=EventKind.OFFER_WITHDRAWN).exists()


def test_a_contact_abandoned_while_waiting_is_never_offered(routing: Routing) -> None:
    (contact,) = arrive(routing)
    services.contact_abandon(actor=None, contact=Contact.objects.get(pk=contact))
    routing.step()
    login(routing, "lille0")
    assert Contact.objects.get(pk=contact).state == S.ABANDONED
    assert Contact.objects.filter(state=S.OFFERED).count() == 0


def test_transfer_to_an_agent_is_a_direct_offer_or_back_to_the_line(routing: Routing) -> None:
    login(routing, "lille0", "lille1")
    lille0, lille1 = agent(routing, "lille0"), agent(routing, "lille1")
    (contact,) = arrive(routing)
    holder = lille0 if Contact.objects.get(pk=contact).agent_id == lille0.pk else lille1
    other = lille1 if holder is lille0 else lille0
    services.offer_accept(actor=holder.user, contact=Contact.objects.get(pk=contact))
    routing.step()

    services.contact_transfer(
        actor=holder.user, contact=Contact.objects.get(pk=contact), agent_id=other.pk
    )
    routing.step()
    row = Contact.objects.get(pk=contact)
    assert (row.state, row.agent_id) == (S.OFFERED, other.pk)

    offline = agent(routing, "home0")
    services.offer_accept(actor=other.user, contact=row)
    routing.step()
    services.contact_transfer(actor=other.user, contact=row, agent_id=offline.pk)
    routing.step()
    row = Contact.objects.get(pk=contact)
    assert row.state == S.OFFERED
    assert row.agent_id in {lille0.pk, lille1.pk}  # back in its queue's line, served again


def test_the_record_wins_a_race_between_accept_and_timeout(routing: Routing) -> None:
    login(routing, "lille0")
    (contact,) = arrive(routing)
    lille0 = agent(routing, "lille0")
    routing.clock.advance(25)  # the engine's offer timer is due, not yet run
    services.offer_accept(actor=lille0.user, contact=Contact.objects.get(pk=contact))

    with pytest.raises((Diverged, RecordConflict)):  # the engine expired it meanwhile
        routing.router.step()
    routing.router.rebuild()
    routing.step()

    assert Contact.objects.get(pk=contact).state == S.ACCEPTED
    assert routing.router.engine.contact_agent(contact) == str(lille0.pk)


def test_a_restarted_router_keeps_the_waiting_order(routing: Routing) -> None:
    contacts = arrive(routing, 4)
    routing.advance(40)
    before = {c: routing.router.engine.estimate_wait(c).position for c in contacts}
    steps = [routing.router.engine.contact_step(c) for c in contacts]
    queued = {c: Contact.objects.get(pk=c).queued_at for c in contacts}

    restarted = Router(clock=routing.clock)
    restarted.rebuild()

    assert {c: restarted.engine.estimate_wait(c).position for c in contacts} == before
    assert [restarted.engine.contact_step(c) for c in contacts] == steps == [2, 2, 2, 2]
    assert [Contact.objects.get(pk=c).overflow_step for c in contacts] == steps
    assert {c: Contact.objects.get(pk=c).queued_at for c in contacts} == queued
    routing.router = restarted
    login(routing, "rabat0")  # chat capacity 3: the three oldest, in order
    offered = Contact.objects.filter(state=S.OFFERED).order_by("offered_at", "pk")
    assert [c.pk for c in offered] == contacts[:3]


def test_a_restarted_router_keeps_offers_and_contacts_in_hand(routing: Routing) -> None:
    login(routing, "lille0")
    first, second = arrive(routing, 2)
    lille0 = agent(routing, "lille0")
    services.offer_accept(actor=lille0.user, contact=Contact.objects.get(pk=first))
    routing.step()

    restarted = Router(clock=routing.clock)
    restarted.rebuild()

    engine = restarted.engine
    assert engine.contact_state(first).value == "connected"
    assert engine.contact_state(second).value == "offered"
    assert engine.agent_load(str(lille0.pk))[1] == 2
    assert ContactEvent.objects.filter(kind=EventKind.OFFER_MADE).count() == 2  # none again


def test_rebuild_requeues_what_an_agent_who_left_was_holding(routing: Routing) -> None:
    login(routing, "lille0")
    (contact,) = arrive(routing)
    lille0 = agent(routing, "lille0")
    services.agent_logout(actor=lille0.user, agent=lille0)  # the router is down: not applied

    restarted = Router(clock=routing.clock)
    restarted.rebuild()

    row = Contact.objects.get(pk=contact)
    assert (row.state, row.agent_id) == (S.QUEUED, None)
    assert restarted.engine.contact_state(contact).value == "waiting"


def test_contacts_created_while_no_router_ran_are_routed_at_rebuild(routing: Routing) -> None:
    admin = routing.world.users["administrator"]
    lille0 = agent(routing, "lille0")
    desk_open(lille0)
    services.agent_login(actor=lille0.user, agent=lille0)
    contact = services.contact_create(actor=admin, queue_code="orders")

    restarted = Router(clock=routing.clock)
    with routing.on_commit(execute=True):
        restarted.rebuild()

    assert Contact.objects.get(pk=contact.pk).agent_id == lille0.pk


def test_a_request_committed_after_a_later_one_is_still_applied(routing: Routing) -> None:
    login(routing, "lille0", "lille1")
    admin = routing.world.users["administrator"]
    slow, quick = (services.contact_create(actor=admin, queue_code="orders") for _ in range(2))
    late = ContactEvent.objects.get(contact=slow, kind=EventKind.CONTACT_CREATED)
    ContactEvent.objects.filter(pk=late.pk).delete()  # still in its transaction, say

    routing.step()
    assert routing.contact(quick.pk).state == S.OFFERED
    assert routing.contact(slow.pk).state == S.CREATED  # its id is a gap behind the cursor

    late.save(force_insert=True)  # it commits, with the id it was given
    routing.step()
    assert routing.contact(slow.pk).state == S.OFFERED
