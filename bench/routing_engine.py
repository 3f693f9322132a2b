"""Routing engine alone, one core: decisions per second and latency per event.

    uv run python -m bench.routing_engine --agents 10000 --queues 200 --skills 30

A virtual-clock workload drives `RoutingEngine`: Poisson arrivals spread over the queues
in proportion to their staff, offers accepted after a few seconds (some rejected or left
to time out), exponential handling, customers abandoning, agents taking breaks, and every
wake-up the engine asks for. Each engine call is timed. A naive router (scan every agent
for each contact, every waiting contact for each freed agent) runs the same workload,
shorter, in the same process. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bench import emit, row
from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactState,
    Exhausted,
    ExhaustedAction,
    OfferMade,
    OverflowStep,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    RoutingEvent,
    Site,
    SiteKind,
    Strategy,
    Target,
    weekly,
)

START = 1_767_261_600.0  # 2026-01-01 10:00 UTC, a Thursday
SITES = (
    Site("paris", SiteKind.INSHORE, None, "Europe/Paris"),
    Site("lille", SiteKind.INSHORE, None, "Europe/Paris"),
    Site("rabat", SiteKind.OFFSHORE, "atlas", "Africa/Casablanca"),
    Site("tunis", SiteKind.OFFSHORE, "atlas", "Africa/Tunis"),
    Site("bucharest", SiteKind.NEARSHORE, "carpathia", "Europe/Bucharest"),
    Site("home", SiteKind.HOMESHORE, "carpathia", "Europe/Paris"),
)
LANGUAGES = ("fr", "en", "nl", "ar")


def build_config(queues: int, skills: int, rng: random.Random) -> list[QueueConfig]:
    """A realistic mix of channels, strategies and overflow rules."""
    day_internal = weekly("Europe/Paris", "mon-fri 08:00-18:00", "sat 09:00-12:00")
    evening_rabat = weekly("Africa/Casablanca", "mon-sat 17:00-22:00")
    configs: list[QueueConfig] = []
    for index in range(queues):
        channel = rng.choices([Channel.VOICE, Channel.CHAT, Channel.EMAIL], [5, 4, 1])[0]
        required = rng.sample(range(skills), rng.choice([1, 1, 2]))
        levels = {f"s{skill}": rng.choice([1, 2, 3]) for skill in required}
        relaxed = dict.fromkeys(levels, 1)
        kind = index % 5
        if kind == 0:  # internal first; after 30 s also Atlas; after 90 s anyone with the skill
            steps: tuple[OverflowStep, ...] = (
                OverflowStep(0, Target(internal=True)),
                OverflowStep(30, Target(partners=frozenset({"atlas"}))),
                OverflowStep(90, Target(), skill_levels=relaxed),
            )
        elif kind == 1:  # daytime internal, evening only Rabat
            steps = (
                OverflowStep(0, Target(internal=True), hours=day_internal),
                OverflowStep(0, Target(sites=frozenset({"rabat"})), hours=evening_rabat),
            )
        elif kind == 2:  # own staff, then offshore and nearshore
            steps = (
                OverflowStep(0, Target(site_kinds=frozenset({SiteKind.INSHORE}))),
                OverflowStep(
                    60, Target(site_kinds=frozenset({SiteKind.OFFSHORE, SiteKind.NEARSHORE}))
                ),
            )
        else:
            steps = (OverflowStep(0, Target()),)
        configs.append(
            QueueConfig(
                queue_id=f"q{index}",
                channel=channel,
                skills=levels,
                language=rng.choices([None, "fr", "en", "nl"], [6, 2, 1, 1])[0],
                priority=rng.choice([0, 0, 0, 1, 2]),
                strategy=list(Strategy)[index % 4],
                offer_timeout_s=15.0,
                wrap_up_s=rng.choice([0.0, 0.0, 10.0]),
                steps=steps,
                exhausted=Exhausted(ExhaustedAction.OFFER_CALLBACK, 300.0)
                if index % 7 == 0
                else Exhausted(),
            )
        )
    return configs


def build_agents(agents: int, skills: int, rng: random.Random) -> list[AgentProfile]:
    profiles = []
    for index in range(agents):
        site = rng.choices(SITES, [30, 15, 25, 10, 15, 5])[0]
        owned = rng.sample(range(skills), rng.randint(3, 7))
        languages = {"fr"} | set(rng.sample(LANGUAGES, rng.randint(0, 2)))
        capacity = {Channel.VOICE: 1, Channel.EMAIL: 2}
        if rng.random() < 0.5:
            capacity[Channel.CHAT] = 3
        profiles.append(
            AgentProfile(
                agent_id=f"a{index}",
                site_id=site.site_id,
                skills={f"s{skill}": rng.randint(1, 5) for skill in owned},
                languages=frozenset(languages),
                capacity=capacity,
            )
        )
    return profiles


@dataclass
class Workload:
    arrivals: int
    rate: float
    weights: list[float]
    queue_ids: list[str]
    rng: random.Random = field(default_factory=lambda: random.Random(7))


ARRIVE, ANSWER, COMPLETE, ABANDON, BREAK_START, BREAK_END, WAKE = range(7)


def run_engine(engine: RoutingEngine, clock: VirtualClock, work: Workload) -> dict[str, float]:
    """Drive the engine through the workload; time every call."""
    rng = work.rng
    calendar: list[tuple[float, int, int, str]] = []
    seq = 0

    def at(when: float, kind: int, subject: str = "") -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(calendar, (when, seq, kind, subject))

    latencies: list[int] = []
    cpu_ns = [0]  # CPU time of this thread in the engine: robust to a busy machine
    decisions = 0

    def call(method: Callable[[], list[RoutingEvent]]) -> list[RoutingEvent]:
        nonlocal decisions
        cpu_started = time.thread_time_ns()
        started = time.perf_counter_ns()
        events = method()
        latencies.append(time.perf_counter_ns() - started)
        cpu_ns[0] += time.thread_time_ns() - cpu_started
        for event in events:
            if type(event) is OfferMade:
                decisions += 1
                at(event.at + rng.uniform(1.0, 4.0), ANSWER, str(event.contact_id))
        return events

    now = clock.now()
    t = now
    for number in range(work.arrivals):
        t += rng.expovariate(work.rate)
        at(t, ARRIVE, str(number))
    for _ in range(work.arrivals // 100):
        at(now + rng.uniform(0, t - now), BREAK_START, f"a{rng.randrange(len(work.weights))}")
    wake_at = math.inf
    while calendar:
        when, _, kind, subject = calendar[0]
        if wake_at <= when:
            clock.set(wake_at)
            call(engine.wake)
        else:
            heapq.heappop(calendar)
            clock.set(when)
            try:
                if kind == ARRIVE:
                    queue_id = rng.choices(work.queue_ids, work.weights)[0]
                    call(partial(engine.contact_arrived, subject, queue_id))
                    at(when + rng.expovariate(1 / 180), ABANDON, subject)
                elif kind == ANSWER and engine.contact_state(subject) is ContactState.OFFERED:
                    draw = rng.random()
                    if draw < 0.02:
                        call(partial(engine.reject, subject))
                    elif draw > 0.01 + 0.02:
                        call(partial(engine.accept, subject))
                        at(when + rng.expovariate(1 / 240), COMPLETE, subject)
                elif kind == COMPLETE and engine.contact_state(subject) is ContactState.CONNECTED:
                    call(partial(engine.complete, subject))
                elif kind == ABANDON and engine.contact_state(subject) is ContactState.WAITING:
                    call(partial(engine.abandon, subject))
                elif kind == BREAK_START:
                    call(partial(engine.start_break, subject, BreakReason.LUNCH))
                    at(when + 1800, BREAK_END, subject)
                elif kind == BREAK_END:
                    call(partial(engine.end_break, subject))
            except RoutingError:
                pass  # e.g. a break for an agent already on a break
        next_wakeup = engine.next_wakeup()
        wake_at = math.inf if next_wakeup is None else next_wakeup
    seconds = sum(latencies) / 1e9
    latencies.sort()
    return {
        "events": len(latencies),
        "decisions": decisions,
        "seconds": seconds,
        "decisions_per_s": decisions / seconds,
        "decisions_per_cpu_s": decisions / (cpu_ns[0] / 1e9),
        "events_per_s": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] / 1e6,
        "p99_ms": latencies[int(len(latencies) * 0.99)] / 1e6,
        "max_ms": latencies[-1] / 1e6,
        "mean_us": statistics.fmean(latencies) / 1e3,
    }


class NaiveRouter:
    """The baseline: no index, scan every agent for each contact and every waiting contact
    for each freed agent. Same eligibility rules (overflow steps by waiting time, step
    hours, skills, language, channel capacity), offers accepted at once."""

    def __init__(
        self,
        clock: VirtualClock,
        sites: tuple[Site, ...],
        configs: list[QueueConfig],
        profiles: list[AgentProfile],
    ) -> None:
        self.clock = clock
        self.sites = {site.site_id: site for site in sites}
        self.queues = {config.queue_id: config for config in configs}
        self.agents = [
            {"profile": p, "site": self.sites[p.site_id], "load": [0] * 5, "idle": START}
            for p in profiles
        ]
        self.ready = [True] * len(profiles)
        self.waiting: list[tuple[int, float, int, str, QueueConfig]] = []
        self.contacts: dict[str, tuple[int, str]] = {}  # contact -> (agent index, queue)
        self.turn: dict[tuple[int, str], int] = {}
        self.counter = 0
        self.offered: list[str] = []

    def _eligible(self, agent_index: int, config: QueueConfig, waited: float) -> bool:
        agent = self.agents[agent_index]
        profile: AgentProfile = agent["profile"]  # type: ignore[assignment]
        load: list[int] = agent["load"]  # type: ignore[assignment]
        channel = int(config.channel)
        if not self.ready[agent_index] or load[channel] >= profile.capacity.get(config.channel, 0):
            return False
        if any(load) and config.channel in (Channel.VOICE,):
            return False
        if load[int(Channel.VOICE)]:
            return False
        if config.language is not None and config.language not in profile.languages:
            return False
        now = self.clock.now()
        for index, step in enumerate(config.steps):
            if step.after_s > waited:
                break
            if step.hours is not None and not step.hours.is_open(now):
                continue
            levels = config.levels_at(index)
            if step.target.matches(agent["site"]) and all(  # type: ignore[arg-type]
                profile.skills.get(skill, 0) >= level for skill, level in levels.items()
            ):
                return True
        return False

    def _key(self, agent_index: int, config: QueueConfig) -> tuple[float, float]:
        agent = self.agents[agent_index]
        profile: AgentProfile = agent["profile"]  # type: ignore[assignment]
        idle: float = agent["idle"]  # type: ignore[assignment]
        if config.strategy is Strategy.BEST_SKILL:
            return (-float(sum(profile.skills.get(s, 0) for s in config.skills)), idle)
        if config.strategy is Strategy.LEAST_OCCUPIED:
            load: list[int] = agent["load"]  # type: ignore[assignment]
            channel = int(config.channel)
            return (load[channel] / profile.capacity[config.channel], idle)
        if config.strategy is Strategy.ROUND_ROBIN:
            return (float(self.turn.get((agent_index, config.queue_id), -1)), 0.0)
        return (idle, 0.0)

    def _offer(self, contact_id: str, agent_index: int, config: QueueConfig) -> None:
        load: list[int] = self.agents[agent_index]["load"]  # type: ignore[assignment]
        load[int(config.channel)] += 1
        self.agents[agent_index]["idle"] = self.clock.now()
        self.turn[(agent_index, config.queue_id)] = self.counter
        self.counter += 1
        self.contacts[contact_id] = (agent_index, config.queue_id)
        self.offered.append(contact_id)

    def arrive(self, contact_id: str, queue_id: str) -> int:
        config = self.queues[queue_id]
        best = None
        for index in range(len(self.agents)):
            if self._eligible(index, config, 0.0):
                key = self._key(index, config)
                if best is None or key < best[0]:
                    best = (key, index)
        if best is None:
            self.counter += 1
            self.waiting.append(
                (-config.priority, self.clock.now(), self.counter, contact_id, config)
            )
            return 0
        self._offer(contact_id, best[1], config)
        return 1

    def free(self, agent_index: int) -> int:
        offers = 0
        while True:
            now = self.clock.now()
            candidates = [
                entry
                for entry in self.waiting
                if self._eligible(agent_index, entry[4], now - entry[1])
            ]
            if not candidates:
                return offers
            entry = min(candidates)
            self.waiting.remove(entry)
            self._offer(entry[3], agent_index, entry[4])
            offers += 1

    def complete(self, contact_id: str) -> int:
        agent_index, queue_id = self.contacts.pop(contact_id)
        load: list[int] = self.agents[agent_index]["load"]  # type: ignore[assignment]
        load[int(self.queues[queue_id].channel)] -= 1
        self.agents[agent_index]["idle"] = self.clock.now()
        return self.free(agent_index)

    def abandon(self, contact_id: str) -> None:
        self.waiting = [entry for entry in self.waiting if entry[3] != contact_id]

    def run(self, work: Workload) -> dict[str, float]:
        rng = work.rng
        calendar: list[tuple[float, int, str]] = []
        t = self.clock.now()
        for number in range(work.arrivals):
            t += rng.expovariate(work.rate)
            calendar.append((t, ARRIVE, str(number)))
        heapq.heapify(calendar)
        latencies: list[int] = []
        cpu_ns = 0
        decisions = 0
        while calendar:
            when, kind, subject = heapq.heappop(calendar)
            self.clock.set(when)
            cpu_started = time.thread_time_ns()
            started = time.perf_counter_ns()
            if kind == ARRIVE:
                queue_id = rng.choices(work.queue_ids, work.weights)[0]
                made = self.arrive(subject, queue_id)
            elif kind == COMPLETE:
                made = self.complete(subject)
            else:
                self.abandon(subject)
                made = 0
            latencies.append(time.perf_counter_ns() - started)
            cpu_ns += time.thread_time_ns() - cpu_started
            decisions += made
            if kind == ARRIVE and not made:
                heapq.heappush(calendar, (when + rng.expovariate(1 / 180), ABANDON, subject))
            for contact_id in self.offered:
                heapq.heappush(calendar, (when + rng.expovariate(1 / 240), COMPLETE, contact_id))
            self.offered.clear()
        seconds = sum(latencies) / 1e9
        latencies.sort()
        return {
            "events": len(latencies),
            "decisions_per_s": decisions / seconds,
            "decisions_per_cpu_s": decisions / (cpu_ns / 1e9),
            "p50_ms": latencies[len(latencies) // 2] / 1e6,
            "p99_ms": latencies[int(len(latencies) * 0.99)] / 1e6,
            "max_ms": latencies[-1] / 1e6,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--queues", type=int, default=200)
    parser.add_argument("--skills", type=int, default=30)
    parser.add_argument("--contacts", type=int, default=60_000)
    parser.add_argument("--naive-contacts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--load",
        type=float,
        default=0.85,
        help="arrival rate as a share of agents / 240 s (0.85: about 3 %% of contacts wait)",
    )
    options = parser.parse_args()

    rng = random.Random(options.seed)
    configs = build_config(options.queues, options.skills, rng)
    profiles = build_agents(options.agents, options.skills, rng)
    print(
        f"routing engine: {options.agents} agents, {options.queues} queues, "
        f"{options.skills} skills, 6 sites, {options.contacts} contacts"
    )
    widths = (22, 14, 12, 10, 10, 10)
    row("router", "decisions/s", "events", "p50 ms", "p99 ms", "max ms", widths=widths)

    clock = VirtualClock(START)
    built = time.perf_counter()
    engine = RoutingEngine(clock, sites=SITES, queues=configs, seed=options.seed)
    for profile in profiles:
        engine.add_agent(profile)
    for profile in profiles:
        engine.login(profile.agent_id)
    setup_s = time.perf_counter() - built
    # As the router service does after rebuilding: long-lived objects out of the GC's way.
    gc.collect()
    gc.freeze()
    staff = [float(sum(engine.queue_status(c.queue_id).agents_by_state.values())) for c in configs]
    weights = [max(count, 1.0) ** 1.2 for count in staff]
    rate = options.load * options.agents / 240
    queue_ids = [config.queue_id for config in configs]
    figures = run_engine(engine, clock, Workload(options.contacts, rate, weights, queue_ids))
    row(
        "relais (indexed)",
        figures["decisions_per_s"],
        int(figures["events"]),
        figures["p50_ms"],
        figures["p99_ms"],
        figures["max_ms"],
        widths=widths,
    )

    naive_clock = VirtualClock(START)
    naive = NaiveRouter(naive_clock, SITES, configs, profiles)
    naive_work = Workload(options.naive_contacts, rate, weights, queue_ids)
    naive_figures = naive.run(naive_work)
    row(
        "naive (scan all agents)",
        naive_figures["decisions_per_s"],
        int(naive_figures["events"]),
        naive_figures["p50_ms"],
        naive_figures["p99_ms"],
        naive_figures["max_ms"],
        widths=widths,
    )
    print(
        f"per CPU-second of the routing thread: relais {figures['decisions_per_cpu_s']:.0f}, "
        f"naive {naive_figures['decisions_per_cpu_s']:.1f} decisions/s"
    )
    print(f"setup (queues, {options.agents} agents, logins): {setup_s:.2f} s")
    emit(
        {
            "decisions_per_s": round(figures["decisions_per_s"]),
            "p50_ms": round(figures["p50_ms"], 4),
            "p99_ms": round(figures["p99_ms"], 4),
            "naive_decisions_per_s": round(naive_figures["decisions_per_s"], 1),
            "decisions_per_cpu_s": round(figures["decisions_per_cpu_s"]),
            "naive_decisions_per_cpu_s": round(naive_figures["decisions_per_cpu_s"], 1),
            "speedup_vs_naive": round(
                figures["decisions_per_s"] / naive_figures["decisions_per_s"], 1
            ),
            "events_per_s": round(figures["events_per_s"]),
            "events": int(figures["events"]),
            "decisions": int(figures["decisions"]),
            "max_ms": round(figures["max_ms"], 3),
            "naive_p99_ms": round(naive_figures["p99_ms"], 3),
            "setup_s": round(setup_s, 2),
            "load": options.load,
            "agents": options.agents,
            "queues": options.queues,
            "skills": options.skills,
        }
    )


if __name__ == "__main__":
    main()
