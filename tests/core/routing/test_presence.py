"""Agents reachable only while a connection of theirs is alive (`disconnect_grace_s`)."""

from __future__ import annotations

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    AgentState,
    AgentStateChanged,
    Channel,
    ContactQueued,
    ContactRefused,
    OfferMade,
    OfferWithdrawn,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
    RoutingEngine,
    RoutingEvent,
    Target,
    weekly,
)
from relais.core.routing.restore import restore, snapshot
from tests.core.routing.conftest import SITES
from tests.core.routing.test_engine import BILLING, agent, offers

GRACE = 20.0


def leased(clock: VirtualClock, *agent_ids: str, queue: QueueConfig = BILLING) -> RoutingEngine:
    engine = RoutingEngine(clock, sites=SITES, queues=[queue], disconnect_grace_s=GRACE)
    for agent_id in agent_ids:
        engine.add_agent(agent(agent_id, site="rabat" if agent_id.startswith("r") else "paris"))
    return engine


def states(events: list[RoutingEvent]) -> list[tuple[str, AgentState]]:
    return [(e.agent_id, e.state) for e in events if isinstance(e, AgentStateChanged)]


def test_an_agent_is_offered_nothing_until_a_connection_is_alive(clock: VirtualClock) -> None:
    engine = leased(clock, "a")
    engine.login("a")
    assert engine.contact_arrived(1, "billing") == [
        ContactQueued(clock.now(), 1, "billing", 0, False)
    ]
    clock.advance(1)
    assert offers(engine.agent_reachable("a", True)) == [(1, "a")]


def test_a_lost_connection_stops_offers_and_a_return_within_the_grace_changes_nothing(
    clock: VirtualClock,
) -> None:
    engine = leased(clock, "a", "b")
    for agent_id in "ba":  # b is the longest idle
        engine.agent_reachable(agent_id, True)
        engine.login(agent_id)
        clock.advance(1)
    engine.agent_reachable("b", False)
    assert offers(engine.contact_arrived(1, "billing")) == [(1, "a")]  # not to b
    engine.accept(1)
    clock.advance(GRACE - 2)
    assert states(engine.agent_reachable("b", True)) == []  # a reload: b stays available
    assert engine.agent_state("b") is AgentState.AVAILABLE
    assert offers(engine.contact_arrived(2, "billing")) == [(2, "b")]


def test_after_the_grace_the_agent_is_disconnected_and_what_they_held_goes_back(
    clock: VirtualClock,
) -> None:
    slow_offers = QueueConfig("billing", skills={"billing": 1}, offer_timeout_s=60)
    engine = leased(clock, "a", "b", "c", queue=slow_offers)
    for agent_id in "ab":
        engine.agent_reachable(agent_id, True)
        engine.login(agent_id)
        clock.advance(1)
    engine.contact_arrived(1, "billing")  # to a, who takes it
    engine.accept(1)
    engine.contact_arrived(2, "billing")  # offered to b, who does not answer yet
    lost_at = clock.now()
    engine.agent_reachable("a", False)
    engine.agent_reachable("b", False)
    clock.advance(GRACE - 0.5)
    assert engine.wake() == []
    clock.advance(1)
    events = engine.wake()
    assert sorted(states(events)) == [
        ("a", AgentState.DISCONNECTED),
        ("b", AgentState.DISCONNECTED),
    ]
    assert [(e.contact_id, e.reason) for e in events if isinstance(e, OfferWithdrawn)] == [
        (2, "agent_disconnected")
    ]
    requeued = [e.contact_id for e in events if isinstance(e, ContactQueued) and e.requeued]
    assert sorted(requeued) == [1, 2]
    assert min(e.at for e in events) >= lost_at + GRACE
    engine.agent_reachable("c", True)
    assert offers(engine.login("c")) == [(1, "c")]  # one call at a time: its first in line


def test_an_agent_logged_in_without_any_connection_is_disconnected_after_the_grace(
    clock: VirtualClock,
) -> None:
    engine = leased(clock, "a")
    engine.login("a")
    clock.advance(GRACE + 1)
    assert states(engine.wake()) == [("a", AgentState.DISCONNECTED)]
    assert engine.agent_state("a") is AgentState.DISCONNECTED


def test_a_step_whose_agents_are_all_unreachable_is_passed_at_once(clock: VirtualClock) -> None:
    queue = QueueConfig(
        "billing",
        skills={"billing": 1},
        steps=(
            OverflowStep(0, Target(partners=frozenset({"atlas"}))),
            OverflowStep(60, Target(internal=True)),
        ),
    )
    engine = leased(clock, "r1", "p1", queue=queue)
    for agent_id in ("r1", "p1"):
        engine.agent_reachable(agent_id, True)
        engine.login(agent_id)
    engine.agent_reachable("r1", False)  # the link to Rabat is lost
    events = engine.contact_arrived(1, "billing")
    assert [e.step for e in events if isinstance(e, OverflowStepReached)] == [1]
    assert offers(events) == [(1, "p1")]


def test_the_round_trip_keeps_who_is_unreachable_and_since_when(clock: VirtualClock) -> None:
    engine = leased(clock, "a", "b")
    for agent_id in "ab":
        engine.agent_reachable(agent_id, True)
        engine.login(agent_id)
    clock.advance(5)
    engine.agent_reachable("b", False)
    saved = snapshot(engine)
    clock.advance(GRACE + 1)  # b's grace ended while nobody routed
    fresh = leased(clock, "a", "b")
    events = restore(fresh, saved)
    assert states(events) == [("b", AgentState.DISCONNECTED)]
    assert fresh.agent_state("a") is AgentState.AVAILABLE
    assert not [e for e in events if isinstance(e, OfferMade)]


def test_without_a_grace_every_agent_is_reachable_as_before(clock: VirtualClock) -> None:
    engine = RoutingEngine(clock, sites=SITES, queues=[BILLING])
    engine.add_agent(agent("a"))
    engine.login("a")
    assert offers(engine.contact_arrived(1, "billing")) == [(1, "a")]


def test_a_left_message_or_a_callback_waits_while_its_queue_is_closed(
    clock: VirtualClock,
) -> None:
    """Wednesday 10:00 in Paris; the queues open on Sundays only."""
    sundays = weekly("Europe/Paris", "sun 08:00-12:00")
    chat = QueueConfig("chat", channel=Channel.CHAT, skills={"billing": 1}, hours=sundays)
    mail = QueueConfig("mail", channel=Channel.EMAIL, skills={"billing": 1}, hours=sundays)
    engine = RoutingEngine(clock, sites=SITES, queues=[chat, mail])
    assert [type(e) for e in engine.contact_arrived(1, "chat")] == [ContactRefused]
    assert engine.contact_arrived(2, "mail") == [ContactQueued(clock.now(), 2, "mail", 0, False)]
    engine.add_agent(
        AgentProfile("a", "paris", {"billing": 3}, frozenset({"fr"}), capacity={Channel.EMAIL: 5})
    )
    assert offers(engine.login("a")) == [(2, "a")]  # whoever works on the backlog takes it
