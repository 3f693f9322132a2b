"""A call whose agent was lost goes back to the head of its queue at once, through the
router in-process (docs/voice.md, "The record")."""

from __future__ import annotations

import pytest

from relais.apps.interactions.models import ContactEvent, ContactState, EventKind
from relais.apps.voice import control
from relais.apps.voice.models import Call, CallState
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def call(phone: Routing, n: int) -> int:
    ticket = control.call_arrived(number=DIALLED, caller=f"+3361234567{n}", call_id=f"c{n}@op")
    phone.step()
    phone.clock.advance(1)
    return ticket.contact_id


def answered_by(phone: Routing, key: str, contact_id: int) -> None:
    control.call_answered(contact_id=contact_id, agent_id=phone.world.agents[key].pk)
    phone.step()


@pytest.fixture
def busy(phone: Routing) -> tuple[int, int, int, int]:
    """lille0 and lille1 on a call each; two more calls waiting."""
    login(phone, "lille0", "lille1")
    first, second = call(phone, 1), call(phone, 2)
    answered_by(phone, "lille0", first)
    answered_by(phone, "lille1", second)
    third, fourth = call(phone, 3), call(phone, 4)
    assert [phone.contact(pk).state for pk in (third, fourth)] == [S.QUEUED, S.QUEUED]
    return first, second, third, fourth


def test_a_lost_call_goes_back_to_the_head_and_its_agent_is_freed_at_once(
    phone: Routing, busy: tuple[int, int, int, int]
) -> None:
    first, second, third, fourth = busy
    lille0, lille1 = phone.world.agents["lille0"], phone.world.agents["lille1"]

    control.call_agent_lost(contact_id=first, agent_id=lille0.pk, reason="browser_gone")
    phone.step()  # no clock advance: not after the desk grace

    lost = phone.contact(first)
    assert (lost.state, lost.agent_id, lost.at_head, lost.declined_by) == (
        S.QUEUED,
        None,
        True,
        [lille0.pk],
    )
    assert Call.objects.get(pk=first).state == CallState.QUEUED
    # lille0's line is free: it takes the next call, not the one it lost
    assert (phone.contact(third).state, phone.contact(third).agent_id) == (S.OFFERED, lille0.pk)
    requeued = ContactEvent.objects.get(contact_id=first, kind=EventKind.CONTACT_REQUEUED)
    assert (requeued.agent_id, requeued.data) == (lille0.pk, {"reason": "browser_gone"})
    assert ContactEvent.objects.filter(contact_id=first, kind=EventKind.CALL_AGENT_LOST).exists()

    control.call_ended(contact_id=second, by="caller")  # lille1 is free: the lost call first
    phone.step()

    assert (phone.contact(first).state, phone.contact(first).agent_id) == (S.OFFERED, lille1.pk)
    assert phone.contact(fourth).state == S.QUEUED
    assert phone.router.rebuilds == 1  # the engine followed the record: no disagreement


def test_a_rebuilt_router_keeps_the_lost_call_at_the_head(
    phone: Routing, busy: tuple[int, int, int, int]
) -> None:
    first, second, _, fourth = busy
    lille0 = phone.world.agents["lille0"]
    control.call_agent_lost(contact_id=first, agent_id=lille0.pk, reason="no_media")
    phone.step()

    phone.router.rebuild()  # a failover, say
    control.call_ended(contact_id=second, by="agent")
    phone.step()

    assert phone.contact(first).state == S.OFFERED
    assert phone.contact(fourth).state == S.QUEUED


def test_an_agent_lost_while_ringing_puts_the_call_back_at_its_place(phone: Routing) -> None:
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    first = call(phone, 1)
    assert phone.contact(first).agent_id == lille0.pk

    control.call_agent_lost(contact_id=first, agent_id=lille0.pk, reason="unreachable")
    phone.step()

    contact = phone.contact(first)
    assert (contact.state, contact.at_head, contact.declined_by) == (S.QUEUED, False, [lille0.pk])


def test_a_lost_agent_reported_late_changes_nothing(
    phone: Routing, busy: tuple[int, int, int, int]
) -> None:
    first, *_ = busy
    lille1 = phone.world.agents["lille1"]  # not the agent of this call

    control.call_agent_lost(contact_id=first, agent_id=lille1.pk, reason="browser_gone")
    phone.step()

    assert phone.contact(first).state == S.ACCEPTED
