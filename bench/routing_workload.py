"""The workload of `bench.routing_engine`: configuration, agents, and a script both routers play.

Every draw that does not depend on the router's decisions is made once, up front, into a
`Script`: arrival times and queues, each customer's patience, each offer's answer (delay,
accepted / rejected / left to time out), handling times, agents' breaks. `play` then drives
any router with the engine's API over a virtual clock, reacting to its offers from the
script, so the engine and the naive baseline see exactly the same customers and agents.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactId,
    ContactState,
    Exhausted,
    ExhaustedAction,
    OfferMade,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
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
HANDLE_S = 240.0  # mean handling time
PATIENCE_S = 180.0  # mean time a waiting customer stays
BREAK_S = 1800.0
ANSWERS = 3  # answers drawn per contact; a later offer is accepted after 2 s
REJECT, SILENT, ACCEPT = range(3)


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


def timed_steps(configs: Sequence[QueueConfig]) -> dict[str, int]:
    """Queues whose last overflow step comes after a wait: queue -> that step's index."""
    return {c.queue_id: len(c.steps) - 1 for c in configs if c.steps[-1].after_s > 0}


@dataclass(frozen=True)
class Script:
    """What customers and agents do, whatever the router decides. Contact ids are 0..n-1."""

    arrivals: list[float]
    queues: list[str]
    patience: list[float]
    handling: list[float]
    answers: list[tuple[tuple[float, int], ...]]  # per offer: (delay, REJECT/SILENT/ACCEPT)
    breaks: list[tuple[float, str]]  # (start, agent)

    def prefix(self, contacts: int) -> Script:
        """The first `contacts` arrivals, and the breaks that start before the last of them."""
        until = self.arrivals[contacts - 1] if contacts else START
        return Script(
            self.arrivals[:contacts],
            self.queues[:contacts],
            self.patience[:contacts],
            self.handling[:contacts],
            self.answers[:contacts],
            [(at, agent) for at, agent in self.breaks if at <= until],
        )


def make_script(
    contacts: int,
    rate: float,
    queue_weights: dict[str, float],
    agent_ids: Sequence[str],
    seed: int,
) -> Script:
    """Poisson arrivals at `rate` per second spread over the queues by weight; offers
    answered in 1-4 s (2 % rejected, 1 % left to time out); exponential handling and
    patience; one 30-minute break per 100 contacts, for agents drawn at random."""
    rng = random.Random(seed)
    queue_ids = list(queue_weights)
    weights = list(queue_weights.values())
    arrivals, queues, patience, handling, answers = [], [], [], [], []
    t = START
    for _ in range(contacts):
        t += rng.expovariate(rate)
        arrivals.append(t)
        queues.append(rng.choices(queue_ids, weights)[0])
        patience.append(rng.expovariate(1 / PATIENCE_S))
        handling.append(rng.expovariate(1 / HANDLE_S))
        drawn = []
        for _ in range(ANSWERS):
            draw = rng.random()
            outcome = REJECT if draw < 0.02 else SILENT if draw < 0.03 else ACCEPT
            drawn.append((rng.uniform(1.0, 4.0), outcome))
        answers.append(tuple(drawn))
    breaks = sorted(
        (START + rng.uniform(0, t - START), rng.choice(agent_ids)) for _ in range(contacts // 100)
    )
    return Script(arrivals, queues, patience, handling, answers, breaks)


class Router(Protocol):
    """The part of `RoutingEngine`'s API the workload uses (the naive baseline has it too)."""

    def contact_arrived(self, contact_id: ContactId, queue_id: str) -> list[RoutingEvent]: ...
    def accept(self, contact_id: ContactId) -> list[RoutingEvent]: ...
    def reject(self, contact_id: ContactId) -> list[RoutingEvent]: ...
    def complete(self, contact_id: ContactId) -> list[RoutingEvent]: ...
    def abandon(self, contact_id: ContactId) -> list[RoutingEvent]: ...
    def start_break(self, agent_id: str, reason: BreakReason) -> list[RoutingEvent]: ...
    def end_break(self, agent_id: str) -> list[RoutingEvent]: ...
    def wake(self) -> list[RoutingEvent]: ...
    def next_wakeup(self) -> float | None: ...
    def contact_state(self, contact_id: ContactId) -> ContactState | None: ...


ARRIVE, ACCEPT_OFFER, REJECT_OFFER, COMPLETE, ABANDON, BREAK_START, BREAK_END = range(7)


def play(
    router: Router, clock: VirtualClock, script: Script, deepest: dict[str, int]
) -> dict[str, float]:
    """Drive `router` through `script`; time every call. `deepest`: the queues whose last
    step comes after a wait (a contact reaching it saw every overflow step fire)."""
    calendar: list[tuple[float, int, int, int | str]] = []
    seq = 0

    def at(when: float, kind: int, subject: int | str) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(calendar, (when, seq, kind, subject))

    latencies: list[int] = []
    cpu_ns = 0  # CPU time of this thread in the router: robust to a busy machine
    decisions = steps_fired = all_steps = abandoned = queued = 0
    offers_made = [0] * len(script.arrivals)
    waits: list[float] = []  # arrival to first offer, of the queued contacts later offered

    def call(method: Callable[[], list[RoutingEvent]]) -> None:
        nonlocal cpu_ns, decisions, steps_fired, all_steps
        cpu_started = time.thread_time_ns()
        started = time.perf_counter_ns()
        events = method()
        latencies.append(time.perf_counter_ns() - started)
        cpu_ns += time.thread_time_ns() - cpu_started
        for event in events:  # after the clock: the bench's reaction is not timed
            if isinstance(event, OfferMade):
                decisions += 1
                contact = int(event.contact_id)
                number = offers_made[contact]
                offers_made[contact] = number + 1
                if number == 0 and event.at > script.arrivals[contact]:
                    waits.append(event.at - script.arrivals[contact])
                drawn = script.answers[contact]
                delay, outcome = drawn[number] if number < len(drawn) else (2.0, ACCEPT)
                if outcome != SILENT:  # silent: the offer times out in the router
                    answer = ACCEPT_OFFER if outcome == ACCEPT else REJECT_OFFER
                    at(event.at + delay, answer, contact)
            elif isinstance(event, OverflowStepReached):
                steps_fired += 1
                if deepest.get(event.queue_id) == event.step:
                    all_steps += 1

    for number, when in enumerate(script.arrivals):
        at(when, ARRIVE, number)
    for when, agent_id in script.breaks:
        at(when, BREAK_START, agent_id)
    wake_at = math.inf
    while calendar:
        when, _, kind, subject = calendar[0]
        if wake_at <= when:
            clock.set(wake_at)
            call(router.wake)
        else:
            heapq.heappop(calendar)
            clock.set(when)
            try:
                if kind == ARRIVE:
                    contact = int(subject)
                    call(partial(router.contact_arrived, contact, script.queues[contact]))
                    queued += offers_made[contact] == 0
                    at(when + script.patience[contact], ABANDON, contact)
                elif kind in (ACCEPT_OFFER, REJECT_OFFER):
                    if router.contact_state(subject) is ContactState.OFFERED:
                        if kind == REJECT_OFFER:
                            call(partial(router.reject, subject))
                        else:
                            call(partial(router.accept, subject))
                            at(when + script.handling[int(subject)], COMPLETE, subject)
                elif kind == COMPLETE:
                    if router.contact_state(subject) is ContactState.CONNECTED:
                        call(partial(router.complete, subject))
                elif kind == ABANDON:
                    if router.contact_state(subject) is ContactState.WAITING:
                        abandoned += 1
                        call(partial(router.abandon, subject))
                elif kind == BREAK_START:
                    call(partial(router.start_break, str(subject), BreakReason.LUNCH))
                    at(when + BREAK_S, BREAK_END, subject)
                elif kind == BREAK_END:
                    call(partial(router.end_break, str(subject)))
            except RoutingError:
                pass  # e.g. the end of a break already ended (two breaks drawn for one agent)
        next_wakeup = router.next_wakeup()
        wake_at = math.inf if next_wakeup is None else next_wakeup
    seconds = sum(latencies) / 1e9
    latencies.sort()
    waits.sort()
    contacts = len(script.arrivals)
    return {
        "contacts": contacts,
        "events": len(latencies),
        "decisions": decisions,
        "seconds": seconds,
        "decisions_per_s": decisions / seconds,
        "decisions_per_cpu_s": decisions / (cpu_ns / 1e9),
        "events_per_s": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] / 1e6,
        "p99_ms": latencies[int(len(latencies) * 0.99)] / 1e6,
        "max_ms": latencies[-1] / 1e6,
        "mean_us": statistics.fmean(latencies) / 1e3,
        "overflow_steps_fired": steps_fired,
        "all_steps_fired": all_steps,
        "queued_share": queued / contacts,
        "abandoned_share": abandoned / contacts,
        "queued_wait_p50_s": waits[len(waits) // 2] if waits else 0.0,
    }
