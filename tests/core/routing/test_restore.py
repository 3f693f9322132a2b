"""Restoring an engine's live state: what a router does after a restart or a failover."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactState,
    OfferExpired,
    OfferMade,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    Target,
    WrapUpEnded,
)
from relais.core.routing.restore import (
    AgentSnapshot,
    ContactSnapshot,
    EngineSnapshot,
    restore,
    snapshot,
)
from tests.core.routing.conftest import SITES
from tests.core.routing.test_properties import AGENTS, OPERATIONS, QUEUES, Model, apply

ORDERS = QueueConfig(
    "orders",
    skills={"orders": 1},
    offer_timeout_s=20,
    wrap_up_s=10,
    steps=(OverflowStep(0, Target(internal=True)), OverflowStep(30, Target())),
)
PROFILES = (
    AgentProfile("paris", "paris", {"orders": 2}),
    AgentProfile("rabat", "rabat", {"orders": 2}),
    AgentProfile("home", "home", {"orders": 2}),
)


def fresh(clock: VirtualClock, queues: tuple[QueueConfig, ...] = (ORDERS,)) -> RoutingEngine:
    engine = RoutingEngine(clock, sites=SITES, queues=queues)
    for profile in PROFILES if queues == (ORDERS,) else AGENTS:
        engine.add_agent(profile)
    return engine


def positions(engine: RoutingEngine, contacts: list[str]) -> dict[str, int]:
    return {
        c: engine.estimate_wait(c).position
        for c in contacts
        if engine.contact_state(c) is ContactState.WAITING
    }


def test_waiting_contacts_keep_their_place_and_step(clock: VirtualClock) -> None:
    # given a line of three contacts, two of them already at step 1
    live = fresh(clock)
    live.login("paris")
    live.contact_arrived("c0", "orders")
    live.accept("c0")
    for contact in ("c1", "c2", "c3"):
        live.contact_arrived(contact, "orders")
        clock.advance(15)
    live.wake()
    state = snapshot(live)

    # when a new engine is restored from it
    restored = fresh(clock)
    events = restore(restored, state)

    # then the line, the steps and the held contact are the same, and nothing was decided
    assert events == []
    contacts = ["c0", "c1", "c2", "c3"]
    assert positions(restored, contacts) == positions(live, contacts) == {"c1": 1, "c2": 2, "c3": 3}
    assert [restored.contact_step(c) for c in contacts] == [0, 1, 1, 0]
    assert restored.contact_agent("c0") == "paris"
    assert restored.contact_state("c0") is ContactState.CONNECTED
    assert restored.agent_load("paris") == live.agent_load("paris")


def test_a_restored_engine_decides_like_the_original(clock: VirtualClock) -> None:
    live = fresh(clock)
    for contact in ("c1", "c2", "c3"):
        live.contact_arrived(contact, "orders")
        clock.advance(5)
    restored = fresh(clock)
    assert restore(restored, snapshot(live)) == []

    for engine in (live, restored):
        engine.login("rabat")
        engine.login("paris")
    clock.advance(30)

    assert live.wake() == restored.wake()
    # nobody internal was logged in on arrival: every contact passed step 0 at once
    assert [restored.contact_agent(c) for c in ("c1", "c2", "c3")] == ["rabat", "paris", None]
    assert [live.contact_agent(c) for c in ("c1", "c2", "c3")] == ["rabat", "paris", None]


def test_deadlines_passed_while_nobody_routed_fall_due_at_once(clock: VirtualClock) -> None:
    start = clock.now()
    state = EngineSnapshot(
        agents=(AgentSnapshot("paris", idle_since=start), AgentSnapshot("home", idle_since=start)),
        contacts=(
            ContactSnapshot("offered", "orders", ContactState.OFFERED, start, 0, 0, "paris",
                            until=start + 20),
            ContactSnapshot("wrapping", "orders", ContactState.WRAP_UP, start, 0, 0, "home",
                            since=start, until=start + 10),
            ContactSnapshot("waiting", "orders", ContactState.WAITING, start - 40, 0, 0),
        ),
    )  # fmt: skip
    clock.advance(60)
    engine = fresh(clock)

    events = restore(engine, state)

    kinds = [type(event) for event in events]
    assert OverflowStepReached in kinds  # "waiting" passed 30 s while the router was down
    assert OfferExpired in kinds
    assert WrapUpEnded in kinds
    offers = [e for e in events if isinstance(e, OfferMade)]
    assert {o.contact_id for o in offers} == {"waiting", "offered"}
    assert offers[0].contact_id == "waiting"  # the older one is served first


def test_restore_keeps_breaks_declines_and_missed_offers(clock: VirtualClock) -> None:
    now = clock.now()
    state = EngineSnapshot(
        agents=(
            AgentSnapshot("paris", BreakReason.PRAYER, now),
            AgentSnapshot("home", None, now, missed_in_a_row=2),
        ),
        contacts=(
            ContactSnapshot(
                "c1", "orders", ContactState.WAITING, now, 0, declined=frozenset({"home"})
            ),
        ),
    )  # fmt: skip
    engine = fresh(clock)

    assert restore(engine, state) == []
    assert engine.agent_state("paris").value == "break"
    assert engine.contact_state("c1") is ContactState.WAITING
    engine.end_break("paris")
    assert engine.contact_agent("c1") == "paris"


@pytest.mark.parametrize(
    "state",
    [
        EngineSnapshot(agents=(AgentSnapshot("nobody"),)),
        EngineSnapshot(agents=(AgentSnapshot("paris"), AgentSnapshot("paris"))),
        EngineSnapshot(contacts=(ContactSnapshot("c", "nowhere", ContactState.WAITING, 0, 0),)),
        EngineSnapshot(
            contacts=(ContactSnapshot("c", "orders", ContactState.CONNECTED, 0, 0, 0, "paris"),)
        ),
    ],
    ids=["unknown agent", "agent twice", "unknown queue", "agent logged out"],
)
def test_an_inconsistent_state_is_refused(clock: VirtualClock, state: EngineSnapshot) -> None:
    with pytest.raises(RoutingError):
        restore(fresh(clock), state)


def test_only_a_fresh_engine_is_restored(clock: VirtualClock) -> None:
    engine = fresh(clock)
    engine.login("paris")
    with pytest.raises(RoutingError):
        restore(engine, EngineSnapshot())


def test_capacity_is_held_by_restored_contacts(clock: VirtualClock) -> None:
    profile = AgentProfile("home", "home", {"orders": 2}, capacity={Channel.CHAT: 2})
    chat = QueueConfig("chat", channel=Channel.CHAT)
    engine = RoutingEngine(clock, sites=SITES, queues=[chat])
    engine.add_agent(profile)
    now = clock.now()
    held = [
        ContactSnapshot(f"c{i}", "chat", ContactState.CONNECTED, now, 0, 0, "home", since=now)
        for i in range(2)
    ]
    restore(engine, EngineSnapshot((AgentSnapshot("home"),), tuple(held)))

    assert engine.contact_arrived("c3", "chat")[0].__class__.__name__ == "ContactQueued"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=OPERATIONS, after=OPERATIONS, seed=st.integers(0, 3))
def test_invariants_hold_across_a_restart(
    before: list[tuple[str, int, float]], after: list[tuple[str, int, float]], seed: int
) -> None:
    clock = VirtualClock(1_768_409_100.0)
    live = RoutingEngine(clock, sites=SITES, queues=QUEUES, missed_offers_limit=2, seed=seed)
    model = Model()
    for index, profile in enumerate(AGENTS):
        live.add_agent(profile)
        if (index + seed) % 4:
            model.check(live.login(profile.agent_id))
    for op, draw, dt in before:
        model.check(apply(live, model, clock, op, draw, dt))

    engine = RoutingEngine(clock, sites=SITES, queues=QUEUES, missed_offers_limit=2, seed=seed)
    for profile in AGENTS:
        engine.add_agent(profile)
    events = restore(engine, snapshot(live))
    model.check(events)
    if not events:  # nothing fell due: the restored engine is the same
        for contact in model.queue:
            assert engine.contact_state(contact) is live.contact_state(contact)
            assert engine.contact_agent(contact) == live.contact_agent(contact)
            assert engine.contact_step(contact) == live.contact_step(contact)
        live_contacts = [c for c in model.queue if c not in model.ended]
        assert positions(engine, live_contacts) == positions(live, live_contacts)
        for profile in AGENTS:
            assert engine.agent_state(profile.agent_id) is live.agent_state(profile.agent_id)
            assert engine.agent_load(profile.agent_id) == live.agent_load(profile.agent_id)
    for op, draw, dt in after:
        model.check(apply(engine, model, clock, op, draw, dt))
    for contact in model.queue:
        assert (contact in model.ended) == (engine.contact_state(contact) is None), contact
