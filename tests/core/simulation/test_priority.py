"""Customer priority in the simulator: classes served first within a queue, as live.

The simulator drives the live `RoutingEngine`, passing each contact's class to
`contact_arrived(priority=...)`; these tests check the effect (a higher class never waits
longer in a saturated queue) and that a replayed trace gets the very answers the live engine
gives when it is driven by hand on the same trace.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.clock import VirtualClock
from relais.core.routing import AgentProfile, OfferMade, QueueConfig, RoutingEngine, Site
from relais.core.simulation import (
    AgentGroup,
    Fixed,
    QueueSpec,
    ReplayArrival,
    Scenario,
    run_replication,
    simulate,
)

START = 1_772_524_800.0


def _scenario(replay: tuple[ReplayArrival, ...], agents: int, hours: float = 2.0) -> Scenario:
    return Scenario(
        name="priority",
        start=START,
        duration_s=hours * 3600,
        interval_s=1800,
        seed=3,
        replications=1,
        drain_s=24 * 3600,
        agent_states=False,
        sites=(Site("site"),),
        queues=(QueueSpec(QueueConfig("calls"), handling=Fixed(120.0)),),
        agents=(AgentGroup("desk", "site", agents),),
        replay=replay,
    )


def _saturated_trace(seed: int, classes: int) -> tuple[ReplayArrival, ...]:
    """One agent, arrivals at 1.5 times what it can serve, classes drawn at random."""
    generator = np.random.default_rng(seed)
    times = np.sort(generator.uniform(0, 7200, 90))
    drawn = generator.integers(0, classes, len(times))
    return tuple(
        ReplayArrival(START + float(at), "calls", priority=int(klass))
        for at, klass in zip(times, drawn, strict=True)
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), classes=st.integers(2, 4))
def test_a_higher_class_never_waits_longer_on_average(seed: int, classes: int) -> None:
    result = simulate(_scenario(_saturated_trace(seed, classes), agents=1))

    asa = []
    for klass in range(classes):
        estimate = result.estimate(("priority", str(klass), None), "average_speed_of_answer")
        if estimate.mean is not None:
            asa.append(estimate.mean)
    assert asa == sorted(asa, reverse=True)
    assert result.estimate(("total", "", None), "answered").mean == 90


def test_without_classes_the_line_is_first_come_first_served() -> None:
    trace = tuple(ReplayArrival(START + 10.0 * n, "calls") for n in range(5))
    outcome = run_replication(_scenario(trace, agents=1), 0)

    assert outcome.arrivals.priorities == [0] * 5
    assert [answered - START for answered in outcome.answered] == [0, 120, 240, 360, 480]


def _live_answers(trace: tuple[ReplayArrival, ...], handling: float, agents: int) -> list[float]:
    """The live engine driven by hand over the trace: when each contact is answered."""
    clock = VirtualClock(START)
    engine = RoutingEngine(clock, sites=[Site("site")], queues=[QueueConfig("calls")], seed=1)
    for number in range(agents):
        engine.add_agent(AgentProfile(f"live.{number}", "site"))
        engine.login(f"live.{number}")
    answered = [-1.0] * len(trace)
    ends: list[tuple[float, int]] = []

    def offers(events: list[object]) -> None:
        for event in events:
            if isinstance(event, OfferMade):
                contact = int(event.contact_id)
                answered[contact] = event.at
                engine.accept(contact)
                heappush(ends, (event.at + handling, contact))

    for contact, arrival in enumerate(trace):
        while ends and ends[0][0] <= arrival.at:
            at, ended = heappop(ends)
            clock.set(at)
            offers(engine.complete(ended))
        clock.set(arrival.at)
        offers(engine.contact_arrived(contact, "calls", priority=arrival.priority))
    while ends:
        at, ended = heappop(ends)
        clock.set(at)
        offers(engine.complete(ended))
    return answered


def test_a_replayed_trace_gets_the_live_engines_answers() -> None:
    trace = _saturated_trace(seed=11, classes=3)

    simulated = run_replication(_scenario(trace, agents=2), 0).answered

    assert simulated == _live_answers(trace, handling=120.0, agents=2)
    assert len(set(simulated)) > 40  # a real line: most contacts answered at distinct moments
