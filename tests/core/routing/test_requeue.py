"""A call whose agent was lost goes back to the HEAD of its queue at once (docs/voice.md,
"The record"): before the contacts that came after it, without waiting for the agent's
desk grace, the agent's capacity freed; a rebuilt engine keeps it there."""

from __future__ import annotations

import pytest

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactQueued,
    ContactState,
    OfferMade,
    OfferWithdrawn,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    Target,
)
from relais.core.routing.restore import restore, snapshot
from tests.core.routing.conftest import SITES

PHONE = QueueConfig(
    "phone",
    channel=Channel.VOICE,
    offer_timeout_s=20,
    steps=(OverflowStep(0, Target(internal=True)), OverflowStep(60, Target())),
)
AGENTS = (
    AgentProfile("paris1", "paris", capacity={Channel.VOICE: 1}),
    AgentProfile("paris2", "paris", capacity={Channel.VOICE: 1}),
)


def engine_with(clock: VirtualClock) -> RoutingEngine:
    engine = RoutingEngine(clock, sites=SITES, queues=(PHONE,))
    for profile in AGENTS:
        engine.add_agent(profile)
        engine.login(profile.agent_id)
    return engine


def offers(events: list) -> list[tuple[str, str]]:
    return [(e.contact_id, e.agent_id) for e in events if isinstance(e, OfferMade)]


def two_calls_answered_two_waiting(clock: VirtualClock) -> RoutingEngine:
    engine = engine_with(clock)
    for contact in ("first", "second"):
        engine.contact_arrived(contact, "phone")
        engine.accept(contact)
        clock.advance(1)
    engine.contact_arrived("third", "phone")
    clock.advance(1)
    engine.contact_arrived("fourth", "phone")
    clock.advance(1)
    return engine


def test_the_lost_call_is_offered_to_the_next_free_agent_before_later_contacts(
    clock: VirtualClock,
) -> None:
    engine = two_calls_answered_two_waiting(clock)

    events = engine.requeue_at_head("first")

    queued = [e for e in events if isinstance(e, ContactQueued)]
    assert [(e.contact_id, e.requeued) for e in queued] == [("first", True)]
    # paris1 is free at once, but not for the call it lost: it takes the next in line
    assert offers(events) == [("third", "paris1")]
    assert engine.contact_state("first") is ContactState.WAITING
    assert engine.estimate_wait("first").position == 1
    assert engine.estimate_wait("fourth").position == 2

    engine.complete("second")  # paris2 frees up: the lost call first, before "fourth"
    assert engine.contact_state("first") is ContactState.OFFERED
    assert engine.contact_state("fourth") is ContactState.WAITING


def test_a_lost_offer_is_withdrawn_and_its_steps_keep_their_time(clock: VirtualClock) -> None:
    engine = engine_with(clock)
    events = engine.contact_arrived("call", "phone")
    assert offers(events) == [("call", "paris1")]
    engine.start_break("paris2", BreakReason.LUNCH)  # nobody else to take it
    clock.advance(10)

    events = engine.requeue_at_head("call")

    assert [type(e) for e in events][:1] == [OfferWithdrawn]
    assert events[0].reason == "agent_lost"
    clock.advance(50)  # 60 s after it was first queued, not after it came back
    reached = [e for e in engine.wake() if isinstance(e, OverflowStepReached)]
    assert [(e.contact_id, e.step) for e in reached] == [("call", 1)]


def test_only_a_contact_with_an_agent_goes_back_to_the_head(clock: VirtualClock) -> None:
    engine = two_calls_answered_two_waiting(clock)
    with pytest.raises(RoutingError):
        engine.requeue_at_head("fourth")  # waiting: nobody to lose


def test_a_rebuilt_engine_keeps_the_lost_call_at_the_head(clock: VirtualClock) -> None:
    engine = two_calls_answered_two_waiting(clock)
    engine.requeue_at_head("first")
    state = snapshot(engine)
    assert [c.contact_id for c in state.contacts if c.at_head] == ["first"]

    rebuilt = RoutingEngine(clock, sites=SITES, queues=(PHONE,))
    for profile in AGENTS:
        rebuilt.add_agent(profile)
    restore(rebuilt, state)

    assert rebuilt.estimate_wait("first").position == 1
    rebuilt.complete("second")
    assert rebuilt.contact_state("first") is ContactState.OFFERED
    assert rebuilt.contact_state("fourth") is ContactState.WAITING
