"""Agent pools (`relais.core.routing.pools`): the band FIFOs pick exactly as plain heaps do.

Every refresh whose idle time is not older than any used before puts the agent's entries
at the end of band FIFOs; others go to the rings' heaps as full tuples. An engine forced
to use only the heaps (the classic lazy-deletion heap per ring) is the reference: over
random request sequences, both engines must produce the very same events.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    OfferMade,
    OverflowStep,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    RoutingEvent,
    Strategy,
    Target,
    weekly,
)
from relais.core.routing.restore import AgentSnapshot, EngineSnapshot, restore
from tests.core.routing.conftest import SITES, WEDNESDAY_MORNING

EVENING = weekly("Europe/Paris", "mon-fri 10:05-23:00")
QUEUES = (
    QueueConfig(
        "idle",
        skills={"billing": 2},
        steps=(
            OverflowStep(0, Target(internal=True)),
            OverflowStep(20, Target(partners=frozenset({"atlas"}))),
            OverflowStep(60, Target(), skill_levels={"billing": 1}),
        ),
    ),
    QueueConfig("skill", skills={"billing": 1, "sales": 1}, strategy=Strategy.BEST_SKILL),
    QueueConfig(
        "chat",
        channel=Channel.CHAT,
        strategy=Strategy.LEAST_OCCUPIED,
        wrap_up_s=5,
        steps=(OverflowStep(0, Target(internal=True)), OverflowStep(15, Target())),
    ),
    QueueConfig(
        "turns",
        channel=Channel.CHAT,
        strategy=Strategy.ROUND_ROBIN,
        steps=(
            OverflowStep(0, Target(internal=True)),
            OverflowStep(0, Target(sites=frozenset({"rabat"})), hours=EVENING),
        ),
    ),
)
SITE_IDS = [site.site_id for site in SITES]
CHAT = {Channel.VOICE: 1, Channel.CHAT: 3}


def profile(number: int, site: int, billing: int, sales: int) -> AgentProfile:
    skills = {name: level for name, level in (("billing", billing), ("sales", sales)) if level}
    capacity = CHAT if number % 2 else {Channel.VOICE: 1, Channel.CHAT: 2}
    return AgentProfile(f"a{number}", SITE_IDS[site], skills, frozenset({"fr"}), capacity)


AGENTS = tuple(profile(n, n % 4, 1 + n % 3, n % 4) for n in range(8))

step = st.one_of(
    st.tuples(st.just("arrive"), st.sampled_from([q.queue_id for q in QUEUES])),
    st.tuples(st.just("answer"), st.integers(0, 40), st.sampled_from(["accept", "reject"])),
    st.tuples(st.just("end"), st.integers(0, 40), st.sampled_from(["complete", "abandon"])),
    st.tuples(st.just("agent"), st.integers(0, 7), st.sampled_from(["in", "out", "pause"])),
    st.tuples(st.just("update"), st.integers(0, 7), st.integers(0, 3), st.integers(1, 3)),
    st.tuples(st.just("wait"), st.sampled_from([0.0, 0.0, 1.0, 3.5, 12.0, 40.0])),
)


def engines(*, restored: bool) -> tuple[VirtualClock, RoutingEngine, RoutingEngine]:
    clock = VirtualClock(WEDNESDAY_MORNING)
    pair = []
    for _ in range(2):
        engine = RoutingEngine(clock, sites=SITES, queues=QUEUES)
        for agent in AGENTS:
            engine.add_agent(agent)
        pair.append(engine)
    fast, reference = pair
    reference._idle_high = math.inf  # every refresh older than the mark: heaps only
    if restored:  # idle times out of order: the fast engine starts from heap entries too
        now = clock.now()
        state = EngineSnapshot(
            tuple(
                AgentSnapshot(a.agent_id, idle_since=now - (7 * i) % 30)
                for i, a in enumerate(AGENTS)
            )
        )
        assert repr(restore(fast, state)) == repr(restore(reference, state))
    return clock, fast, reference


def apply(engine: RoutingEngine, action: tuple[object, ...], contact: int) -> list[RoutingEvent]:
    kind = action[0]
    try:
        if kind == "arrive":
            return engine.contact_arrived(f"c{contact}", str(action[1]))
        if kind in ("answer", "end"):
            return getattr(engine, str(action[2]))(f"c{action[1]}")  # type: ignore[no-any-return]
        if kind == "agent":
            agent_id = f"a{action[1]}"
            if action[2] == "in":
                return engine.login(agent_id)
            if action[2] == "out":
                return engine.logout(agent_id)
            return engine.start_break(agent_id, BreakReason.COACHING)
        if kind == "update":
            number = int(action[1])  # type: ignore[call-overload]
            new = profile(number, int(action[2]), int(action[3]), number % 3)  # type: ignore[call-overload]
            return engine.update_agent(new)
        return engine.wake()
    except RoutingError as error:
        return [error]  # type: ignore[list-item]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(step, min_size=1, max_size=80), restored=st.booleans())
def test_band_fifos_decide_exactly_as_plain_heaps(
    actions: list[tuple[object, ...]], restored: bool
) -> None:
    clock, fast, reference = engines(restored=restored)
    if not restored:
        for agent in AGENTS:
            assert repr(fast.login(agent.agent_id)) == repr(reference.login(agent.agent_id))
            clock.advance(1)
    for contact, action in enumerate(actions):
        if action[0] == "wait":
            target = clock.now() + float(action[1])  # type: ignore[arg-type]
            due = fast.next_wakeup()
            while due is not None and due <= target:
                clock.set(due)
                assert repr(fast.wake()) == repr(reference.wake())
                due = fast.next_wakeup()
            clock.set(target)
            continue
        assert repr(apply(fast, action, contact)) == repr(apply(reference, action, contact))


def test_a_restored_agent_idle_longer_goes_first_then_freed_agents_queue_behind(
    clock: VirtualClock,
) -> None:
    engine = RoutingEngine(clock, sites=SITES, queues=QUEUES[:1])
    for number in range(3):
        engine.add_agent(profile(number, 0, 2, 0))
    now = clock.now()
    restore(
        engine,
        EngineSnapshot(
            (
                AgentSnapshot("a0", idle_since=now - 10),
                AgentSnapshot("a1", idle_since=now - 30),
                AgentSnapshot("a2", idle_since=now - 20),
            )
        ),
    )
    first = engine.contact_arrived("c1", "idle")
    clock.advance(1)
    engine.accept("c1")
    engine.complete("c1")  # a1 is free again, idle since now

    picked = [first, engine.contact_arrived("c2", "idle"), engine.contact_arrived("c3", "idle")]
    picked.append(engine.contact_arrived("c4", "idle"))

    agents = [e.agent_id for events in picked for e in events if isinstance(e, OfferMade)]
    assert agents == ["a1", "a2", "a0", "a1"]


def test_a_profile_update_keeps_the_agent_at_its_idle_place(clock: VirtualClock) -> None:
    engine = RoutingEngine(clock, sites=SITES, queues=QUEUES[:1])
    for number in range(2):
        engine.add_agent(profile(number, 0, 2, 0))
    engine.login("a0")
    clock.advance(5)
    engine.login("a1")
    clock.advance(5)

    engine.update_agent(profile(0, 0, 3, 0))  # a0 keeps its idle time (older than a1's)

    offered = [e for e in engine.contact_arrived("c1", "idle") if isinstance(e, OfferMade)]
    assert [e.agent_id for e in offered] == ["a0"]
