"""Consulting a queue during a call (voice/consult_queue.py, voice/consult.py, the desktop's
request in desktop/calls.py): the routing engine picks the colleague, who is reserved until
the consultation is over; then it goes on as a consultation of that colleague."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop.calls import desk_consult, desk_consult_back, desk_consult_complete
from relais.apps.desktop.selectors import transfer_colleagues
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import AgentPresence, ContactEvent, ContactState, EventKind
from relais.apps.interactions.timeline import contact_timeline
from relais.apps.organisation.models import Agent
from relais.apps.routing.holds import QueueHold
from relais.apps.routing.models import Channel
from relais.apps.voice import control
from relais.apps.voice.consult import consult_of
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.offers import Consult, OffersFeed
from tests.apps.routing.fixtures import Routing, orders_queue
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def answered(phone: Routing, *others: str) -> tuple[int, Agent]:
    """A call answered by lille0 (the only one logged in then), `others` logged in after."""
    login(phone, "lille0")
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    phone.step()
    first = phone.world.agents["lille0"]
    control.call_answered(contact_id=ticket.contact_id, agent_id=first.pk)
    phone.step()
    if others:
        login(phone, *others)
    return ticket.contact_id, first


def idle_for(phone: Routing, key: str, minutes: int) -> None:
    """The agent has been idle this long (the longest-idle strategy's key)."""
    AgentPresence.objects.filter(agent=phone.world.agents[key]).update(
        idle_since=timezone.now() - dt.timedelta(minutes=minutes)
    )


def started(contact_id: int) -> dict[str, object]:
    return (
        ContactEvent.objects.filter(contact_id=contact_id, kind=EventKind.CALL_CONSULT)
        .order_by("id")
        .values_list("data", flat=True)
        .first()
        or {}
    )


def offered_to(phone: Routing, key: str) -> list[int]:
    return list(
        ContactEvent.objects.filter(
            kind=EventKind.OFFER_MADE, agent_id=phone.world.agents[key].pk
        ).values_list("contact_id", flat=True)
    )


@pytest.mark.parametrize(("longest", "picked"), [("lille1", "lille1"), ("home0", "home0")])
def test_the_engine_picks_the_longest_idle_free_agent_of_the_queue_first_step(
    phone: Routing, longest: str, picked: str
) -> None:
    # given lille0 on a call; lille1 and home0 (internal sites: the queue's first step) free,
    # and rabat0 (Atlas: only after 30 s of waiting) free and idle the longest of all
    contact_id, first = answered(phone, "lille1", "home0", "rabat0")
    for key, minutes in (("lille1", 5), ("home0", 5), ("rabat0", 60)):
        idle_for(phone, key, minutes)
    idle_for(phone, longest, 20)
    feed = OffersFeed()

    # when lille0 consults the queue from the desktop
    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")

    # then the engine's pick (longest idle, among the first step's agents) is rung
    colleague = phone.world.agents[picked]
    assert started(contact_id) == {"step": "started", "to_agent": colleague.pk, "to_queue": "phone"}
    commands = [c for c in feed.poll() if isinstance(c, Consult)]
    assert [(c.agent_id, c.ring.agent_id) for c in commands] == [(first.pk, colleague.pk)]
    audit = AuditEntry.objects.get(action="call.consult_start", actor_id=first.user_id)
    assert audit.changes == {"to_agent": colleague.pk, "to_queue": "phone"}
    shown = DeskEvent.objects.filter(agent_id=first.pk, kind="call.consult").last()
    assert shown is not None
    assert (shown.payload["step"], shown.payload["queue"]) == ("started", "Commandes")
    assert shown.payload["colleague"] == (colleague.user.get_full_name() or colleague.user.username)
    # and the contact's log says which queue and which agent
    with translation.override("en"):
        timeline = contact_timeline(contact_id)
    detail = [e.detail for e in timeline if e.kind == EventKind.CALL_CONSULT]
    assert detail == [f"queue phone consulted: agent {colleague.pk} called, the caller on hold"]


def test_nobody_free_in_the_queue_is_refused_with_a_reason(phone: Routing) -> None:
    # given only rabat0 free: not of the queue's first step
    contact_id, first = answered(phone, "rabat0")

    with pytest.raises(RelaisError) as refused:
        desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")

    assert refused.value.code is ErrorCode.NO_AGENT_FREE
    assert refused.value.status == 409
    with translation.override("en"):
        assert refused.value.message.startswith("Nobody of the queue “Orders” is free")
    with translation.override("fr"):
        assert refused.value.message.startswith("Personne de la file «\u202fCommandes")
    assert started(contact_id) == {}
    assert not QueueHold.objects.exists()
    assert not AuditEntry.objects.filter(action="call.consult_start").exists()


def test_an_agent_reserved_by_another_consultation_is_not_picked(phone: Routing) -> None:
    contact_id, first = answered(phone, "lille1")
    QueueHold.objects.create(
        agent=phone.world.agents["lille1"],
        queue=phone.queue,
        source="consult:999",
        since=timezone.now(),
    )

    with pytest.raises(RelaisError) as refused:
        desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")

    assert refused.value.code is ErrorCode.NO_AGENT_FREE


@pytest.mark.parametrize("which", ["chat_queue", "inactive", "unknown"])
def test_a_queue_not_on_the_transfer_list_is_refused(phone: Routing, which: str) -> None:
    contact_id, first = answered(phone, "lille1")
    orders_queue(phone.world, code="chat", channel=Channel.CHAT)  # another channel
    closed = orders_queue(phone.world, code="old", channel=Channel.VOICE)
    closed.active = False
    closed.save()
    code = {"chat_queue": "chat", "inactive": "old", "unknown": "nope"}[which]

    with pytest.raises(RelaisError) as refused:
        desk_consult(actor=first.user, contact_id=contact_id, queue_code=code)

    assert refused.value.code is ErrorCode.CONSULT_QUEUE
    assert started(contact_id) == {}
    assert not QueueHold.objects.exists()


def test_the_reserved_agent_is_offered_nothing_else_until_the_consultation_ends(
    phone: Routing,
) -> None:
    # given lille0 consulting the queue: lille1 picked and reserved
    contact_id, first = answered(phone, "lille1")
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")
    phone.step()

    # when another call arrives
    other = control.call_arrived(number=DIALLED, caller="+33698765432", call_id="c2@op")
    phone.step()

    # then it waits: lille1, free on the record, is not offered it
    assert phone.contact(other.contact_id).state == S.QUEUED
    assert other.contact_id not in offered_to(phone, "lille1")

    # when lille0 goes back to the caller, lille1 is free again and gets the waiting call
    desk_consult_back(actor=first.user, contact_id=contact_id)
    phone.step()

    assert not QueueHold.objects.filter(agent=colleague).exists()
    contact = phone.contact(other.contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, colleague.pk)


def test_the_voice_service_ending_the_consultation_frees_the_agent(phone: Routing) -> None:
    contact_id, first = answered(phone, "lille1")
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")

    control.call_consult_step(
        contact_id=contact_id,
        agent_id=first.pk,
        to_agent=colleague.pk,
        step="ended",
        reason="no_answer",
    )

    assert not QueueHold.objects.exists()
    consultation = consult_of(contact_id)
    assert consultation is not None
    assert (consultation.step, consultation.to_queue) == ("ended", "phone")


def test_completing_transfers_the_call_to_the_agent_the_engine_picked(phone: Routing) -> None:
    contact_id, first = answered(phone, "lille1")
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")
    phone.step()
    control.call_consult_step(
        contact_id=contact_id, agent_id=first.pk, to_agent=colleague.pk, step="answered"
    )

    desk_consult_complete(actor=first.user, contact_id=contact_id)
    phone.step()

    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, colleague.pk)
    transferred = ContactEvent.objects.get(
        contact_id=contact_id, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert transferred.data["to_agent"] == colleague.pk
    assert [
        (d["step"], d.get("to_queue"))
        for d in ContactEvent.objects.filter(contact_id=contact_id, kind=EventKind.CALL_CONSULT)
        .order_by("id")
        .values_list("data", flat=True)
    ] == [("started", "phone"), ("answered", "phone"), ("completed", "phone")]
    assert not QueueHold.objects.exists()
    control.call_answered(contact_id=contact_id, agent_id=colleague.pk)
    assert phone.contact(contact_id).state == S.ACCEPTED


def test_the_call_ending_frees_an_agent_reserved_by_a_lost_consultation(phone: Routing) -> None:
    contact_id, first = answered(phone, "lille1")
    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")
    assert QueueHold.objects.exists()

    control.call_ended(contact_id=contact_id, by="caller")

    assert not QueueHold.objects.exists()


def test_a_colleague_or_a_queue_one_of_the_two(phone: Routing) -> None:
    contact_id, first = answered(phone, "lille1")

    with pytest.raises(RelaisError) as both:
        desk_consult(
            actor=first.user,
            contact_id=contact_id,
            agent_id=phone.world.agents["lille1"].pk,
            queue_code="phone",
        )

    assert both.value.code is ErrorCode.CONSULT_TARGET


def test_an_agent_reserved_for_a_consultation_leaves_the_transfer_list_meanwhile(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone, "lille1")
    colleague = phone.world.agents["lille1"]
    contact = phone.contact(contact_id)
    assert [c.pk for c in transfer_colleagues(viewer=first.user, contact=contact)] == [colleague.pk]

    desk_consult(actor=first.user, contact_id=contact_id, queue_code="phone")

    assert transfer_colleagues(viewer=first.user, contact=contact) == []
    desk_consult_back(actor=first.user, contact_id=contact_id)
    assert [c.pk for c in transfer_colleagues(viewer=first.user, contact=contact)] == [colleague.pk]
