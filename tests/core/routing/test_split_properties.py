"""Properties of the volume split (hypothesis).

- Under steady load, with each group staffed for its share, the actual shares over a run
  converge to the targets: within `tolerance_pct` + 1.5 points of each target.
- No contact waits beyond the split's bound while an agent eligible for it is free, and no
  contact waits at all while an agent of an open group (at most `tolerance_pct` points over
  its target) is free: a random driver checks it after every engine call, on a clock that
  never jumps over the engine's next wake-up.
- The simulator (`run_replication`, offers accepted at once) and the engine as the live
  router drives it (offers, then `accept`) give every contact of the same trace to the same
  agent at the same time.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.clock import VirtualClock
from relais.core.queueing import StaffingTargets, required_agents
from relais.core.routing import (
    AgentProfile,
    ContactState,
    OfferMade,
    QueueConfig,
    RoutingEngine,
    RoutingEvent,
    Site,
    SiteKind,
    SplitShare,
    VolumeSplit,
)
from relais.core.simulation import AgentGroup, Exponential, QueueSpec, Scenario, run_replication
from relais.core.simulation.runner import RunOutcome

SITES = (
    Site("rabat", SiteKind.OFFSHORE, "atlas"),
    Site("bucharest", SiteKind.NEARSHORE, "carpathia"),
    Site("lille", SiteKind.INSHORE, None),
    Site("paris", SiteKind.INSHORE, None),  # in no group
)
AHT = 240.0


def shares_for(atlas: int, carpathia: int) -> tuple[SplitShare, ...]:
    return (
        SplitShare(atlas, partner="atlas"),
        SplitShare(carpathia, partner="carpathia"),
        SplitShare(100 - atlas - carpathia, site="lille"),
    )


def staffed(share: float, rate_per_hour: float) -> int:
    volume = rate_per_hour * share / 100 / 2  # calls per 30 minutes
    targets = StaffingTargets(service_level=0.8, threshold_s=20.0)
    return required_agents(volume=volume, aht_s=AHT, targets=targets).agents


def split_scenario(split: VolumeSplit, rate_per_hour: float, hours: float, seed: int) -> Scenario:
    groups = tuple(
        AgentGroup(site.site_id, site.site_id, staffed(share.percent, rate_per_hour) + extra)
        for site, share, extra in zip(SITES, split.shares, (0, 0, 2), strict=False)
    )
    return Scenario(
        name="split",
        start=0.0,
        duration_s=hours * 3600,
        seed=seed,
        replications=1,
        agent_states=False,
        sites=SITES,
        queues=(
            QueueSpec(
                QueueConfig("orders", split=split), Exponential(AHT), rate_per_hour=rate_per_hour
            ),
        ),
        agents=(*groups, AgentGroup("paris", "paris", 2)),
    )


def answered_shares(outcome: RunOutcome) -> list[float]:
    counts = [0] * len(SITES)
    for agent in outcome.agent_of:
        if agent >= 0:
            counts[outcome.staff.agent_sites[agent]] += 1
    total = sum(counts)
    return [100 * count / total for count in counts]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    atlas=st.integers(20, 50),
    carpathia=st.integers(15, 40),
    rate=st.sampled_from([240.0, 480.0]),
    seed=st.integers(0, 10_000),
)
def test_shares_converge_to_the_targets_under_steady_load(
    atlas: int, carpathia: int, rate: float, seed: int
) -> None:
    # given a 3-way split, each group staffed for its share (Lille two agents more) and
    # two agents of no group, under steady Poisson arrivals for four hours
    split = VolumeSplit(shares_for(atlas, carpathia), wait_bound_s=10, window=300)
    # when the simulator runs it
    outcome = run_replication(split_scenario(split, rate, 4.0, seed), 0)
    # then every group's share of the answered contacts is within tolerance + 1.5 points
    actual = answered_shares(outcome)
    for share, got in zip(split.shares, actual, strict=False):
        assert abs(got - share.percent) <= split.tolerance_pct + 1.5, (share, actual)


# -- the bound: a random driver -----------------------------------------------------------

AGENT_SITES = {"a1": "rabat", "c1": "bucharest", "l1": "lille", "p1": "paris"}
ARRIVE = st.tuples(st.just("arrive"), st.integers(0, 0))
actions = st.lists(
    st.one_of(
        ARRIVE,
        ARRIVE,
        ARRIVE,
        st.tuples(st.just("complete"), st.integers(0, 50)),
        st.tuples(st.just("wait"), st.integers(1, 30)),
        st.tuples(st.just("break"), st.integers(0, len(AGENT_SITES) - 1)),
    ),
    min_size=1,
    max_size=80,
)


def free_agents(engine: RoutingEngine, on_break: set[str]) -> list[str]:
    return [
        agent_id
        for agent_id in AGENT_SITES
        if agent_id not in on_break and engine.agent_load(agent_id)[0] == 0
    ]


def open_groups(engine: RoutingEngine, split: VolumeSplit) -> set[str]:
    status = engine.split_status("orders")
    assert status is not None
    window = sum(s.offers for s in status)
    return {
        s.label.split(":", 1)[1]
        for s in status
        if window == 0 or s.actual_percent <= s.target_percent + split.tolerance_pct + 1e-9
    }


def group_key(agent_id: str) -> str:
    site = next(s for s in SITES if s.site_id == AGENT_SITES[agent_id])
    return site.site_id if site.partner is None else site.partner


@settings(max_examples=150, deadline=None)
@given(
    steps=actions, bound=st.sampled_from([0.0, 5.0, 20.0]), tolerance=st.sampled_from([0.0, 2.0])
)
def test_no_contact_waits_past_the_bound_while_an_eligible_agent_is_free(
    steps: list[tuple[str, int]], bound: float, tolerance: float
) -> None:
    split = VolumeSplit(shares_for(40, 35), wait_bound_s=bound, window=10, tolerance_pct=tolerance)
    clock = VirtualClock(0.0)
    engine = RoutingEngine(
        clock, sites=SITES, queues=[QueueConfig("orders", split=split)], auto_accept=True
    )
    for agent_id, site_id in AGENT_SITES.items():
        engine.add_agent(AgentProfile(agent_id, site_id))
        engine.login(agent_id)
    arrived: dict[int, float] = {}
    connected: list[int] = []
    on_break: set[str] = set()

    def note(events: list[RoutingEvent]) -> None:
        for event in events:
            if isinstance(event, OfferMade):
                connected.append(int(event.contact_id))

    def check() -> None:
        now = clock.now()
        free = free_agents(engine, on_break)
        opened = open_groups(engine, split)
        for contact_id, at in arrived.items():
            if engine.contact_state(contact_id) is not ContactState.WAITING:
                continue
            assert not (free and now - at >= bound), (contact_id, now - at, free)
            assert not [a for a in free if group_key(a) in opened], (contact_id, free, opened)

    for number, (action, value) in enumerate(steps):
        if action == "arrive":
            arrived[number] = clock.now()
            note(engine.contact_arrived(number, "orders"))
        elif action == "complete" and connected:
            contact_id = connected.pop(value % len(connected))
            note(engine.complete(contact_id))
        elif action == "wait":
            target = clock.now() + value
            while (due := engine.next_wakeup()) is not None and due <= target:
                clock.set(max(due, clock.now()))
                note(engine.wake())
                check()
            clock.set(target)
            note(engine.wake())
        elif action == "break":
            agent_id = list(AGENT_SITES)[value]
            if agent_id in on_break:
                on_break.discard(agent_id)
                note(engine.end_break(agent_id))
            else:
                on_break.add(agent_id)
                note(engine.start_break(agent_id, "lunch"))  # type: ignore[arg-type]
        check()


# -- the simulator and the live router on the same trace ------------------------------------


def live_replay(scenario: Scenario, outcome: RunOutcome) -> dict[int, tuple[str, float]]:
    """Drive the engine as the live router does (offers accepted by a call to `accept`) with
    the simulator's arrivals and handling times; who answered each contact, and when."""
    clock = VirtualClock(scenario.start)
    engine = RoutingEngine(
        clock,
        sites=scenario.sites,
        queues=[spec.config for spec in scenario.queues],
        seed=scenario.seed,
        agent_state_events=False,
    )
    for profile in outcome.staff.profiles:
        engine.add_agent(profile)
        engine.login(profile.agent_id)
    arrivals = outcome.arrivals
    calendar: list[tuple[float, int, int]] = []  # (when, order, contact): completions
    answered: dict[int, tuple[str, float]] = {}

    def apply(events: list[RoutingEvent]) -> None:
        for event in events:
            if isinstance(event, OfferMade):
                contact = int(event.contact_id)
                apply(engine.accept(contact))
                answered[contact] = (event.agent_id, event.at)
                heappush(calendar, (event.at + arrivals.handling[contact], contact, contact))

    index = 0
    while index < len(arrivals) or calendar:
        next_arrival = arrivals.times[index] if index < len(arrivals) else math.inf
        next_end = calendar[0][0] if calendar else math.inf
        wake = engine.next_wakeup() or math.inf
        if wake <= next_arrival and wake <= next_end:
            clock.set(wake)
            apply(engine.wake())
        elif next_arrival <= next_end:
            clock.set(next_arrival)
            apply(engine.contact_arrived(index, "orders"))
            index += 1
        else:
            when, _, contact = heappop(calendar)
            clock.set(when)
            apply(engine.complete(contact))
    return answered


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), bound=st.sampled_from([0.0, 10.0, 30.0]))
def test_the_simulator_and_the_live_router_agree_on_the_same_trace(seed: int, bound: float) -> None:
    split = VolumeSplit(shares_for(40, 35), wait_bound_s=bound, window=100)
    scenario = split_scenario(split, 360.0, 1.0, seed)
    outcome = run_replication(scenario, 0)
    simulated = {
        contact: (outcome.staff.profiles[agent].agent_id, outcome.answered[contact])
        for contact, agent in enumerate(outcome.agent_of)
        if agent >= 0
    }
    assert simulated == live_replay(scenario, outcome)
