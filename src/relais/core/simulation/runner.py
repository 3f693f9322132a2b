"""One replication: the routing engine driven by a virtual clock over an event calendar.

Three time-ordered sources are merged in one tight loop: the arrivals (pre-drawn, sorted
lists), the calendar heap (handling ends, patience running out, staffing actions) and the
engine's own timers (`engine.next_wakeup()`: overflow steps, wrap-up ends, step hours).
Per-contact outcomes go to flat lists indexed by contact number; KPIs are computed after
the run (`results.py`). The engine runs with `auto_accept=True` (simulated agents answer
at once) and the scenario's `agent_states` decides whether agent state events are kept.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappop, heappush
from typing import cast

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentStateChanged,
    CallbackOffered,
    ContactAbandoned,
    ContactCompleted,
    ContactDropped,
    ContactQueued,
    ContactRefused,
    ContactTransferred,
    OfferMade,
    OverflowStepReached,
    RoutingEngine,
    RoutingEvent,
    WrapUpEnded,
)
from relais.core.routing.model import REAL_TIME_CHANNELS
from relais.core.simulation.arrivals import ArrivalTable, generate_arrivals
from relais.core.simulation.briefed import BRIEFED, READ, BriefingSync
from relais.core.simulation.presence import Staff, build_staff
from relais.core.simulation.readiness import READY, ReadinessSync, engine_config
from relais.core.simulation.scenario import Scenario
from relais.core.simulation.staff_sync import StaffSync
from relais.core.simulation.streams import RandomStreams
from relais.core.simulation.tracking import StateSeconds

__all__ = ["RunOutcome", "run_replication"]

COMPLETE, ABANDON = 0, 1
INF = math.inf


@dataclass(slots=True)
class RunOutcome:
    """What happened to every contact (index = contact number) and every agent.

    Times are -1.0 where the thing did not happen. `queue_of` is the contact's last queue
    (after transfers); `agent_of` the index of the last agent who answered it.
    """

    scenario: Scenario
    replication: int
    arrivals: ArrivalTable
    staff: Staff
    queue_of: list[int]
    answered: list[float]
    started: list[float]
    completed: list[float]
    ended: list[float]
    abandoned: list[float]
    agent_of: list[int]
    dropped: list[float]
    refused: list[bool]
    requeued: int = 0
    callbacks: int = 0
    end_time: float = 0.0
    logged_seconds: list[float] = field(default_factory=list)  # per site
    agent_logged_seconds: list[float] = field(default_factory=list)  # per agent
    state_seconds: dict[tuple[float, int], list[float]] | None = None


def run_replication(
    scenario: Scenario,
    replication: int,
    *,
    staff: Staff | None = None,
    progress: Callable[[float], None] | None = None,
) -> RunOutcome:
    """Simulate one replication (streams seeded by the scenario seed and `replication`)."""
    streams = RandomStreams(scenario.seed, replication)
    arrivals = generate_arrivals(scenario, streams)
    staff = build_staff(scenario) if staff is None else staff
    clock = VirtualClock(scenario.start)
    engine = RoutingEngine(
        clock,
        sites=scenario.sites,
        queues=[engine_config(spec) for spec in scenario.queues],
        seed=scenario.seed + replication,
        auto_accept=True,
        agent_state_events=scenario.agent_states,
    )
    for profile in staff.profiles:
        engine.add_agent(profile)
    run = _Run(scenario, replication, arrivals, staff, engine, clock)
    run.setup_readiness(streams)
    gc.collect()
    gc.freeze()
    try:
        run.loop(progress)
    finally:
        gc.unfreeze()
    return run.outcome


class _Run(StaffSync, BriefingSync, ReadinessSync):
    """The loop and its state; the hot path lives in `loop`, with locals for speed."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int,
        arrivals: ArrivalTable,
        staff: Staff,
        engine: RoutingEngine,
        clock: VirtualClock,
    ) -> None:
        n = len(arrivals)
        self.scenario = scenario
        self.engine = engine
        self.clock = clock
        self.staff = staff
        agents = len(staff.profiles)
        self.agent_index = {p.agent_id: i for i, p in enumerate(staff.profiles)}
        self.queue_index = {spec.queue_id: i for i, spec in enumerate(scenario.queues)}
        self.held = [0] * agents
        self.leaving = [False] * agents
        self.logged = [False] * agents
        self.in_window = [False] * agents
        self.wanted_break = [-1] * agents
        self.on_break = [-1] * agents
        self.logged_since = [0.0] * agents
        self.site_down = [0] * len(scenario.sites)
        self.site_mode = [0] * len(scenario.sites)
        self.site_agents: list[list[int]] = [[] for _ in scenario.sites]
        self.profiles = list(staff.profiles)
        self.unread: list[list[int]] = [[] for _ in range(agents)]
        self.to_read: list[list[int]] = [[] for _ in range(agents)]
        for agent, site in enumerate(staff.agent_sites):
            self.site_agents[site].append(agent)
        self.calendar: list[tuple[float, int, int, int, int]] = []
        self.seq = 0
        self.tokens = [0] * n
        self.abandon_due = [-1.0] * n
        self.waiting = [False] * n
        self.counted_in = [-1] * n  # the queue a waiting contact is counted in
        self.to_logout: list[int] = []
        self.live = 0  # contacts in the engine
        self.states = StateSeconds(scenario.start, scenario.interval_s)
        self.outcome = RunOutcome(
            scenario=scenario,
            replication=replication,
            arrivals=arrivals,
            staff=staff,
            queue_of=list(arrivals.queues),
            answered=[-1.0] * n,
            started=[-1.0] * n,
            completed=[-1.0] * n,
            ended=[-1.0] * n,
            abandoned=[-1.0] * n,
            agent_of=[-1] * n,
            dropped=[-1.0] * n,
            refused=[False] * n,
            logged_seconds=[0.0] * len(scenario.sites),
            agent_logged_seconds=[0.0] * agents,
        )
        self.logged_seconds = self.outcome.logged_seconds
        self.agent_logged_seconds = self.outcome.agent_logged_seconds
        self.answer_delay = [spec.answer_delay_s for spec in scenario.queues]
        self.slowdown = [
            0.0 if spec.config.channel in REAL_TIME_CHANNELS else spec.concurrency_slowdown
            for spec in scenario.queues
        ]
        for when, kind, subject, value in staff.actions:
            self.seq += 1
            heappush(self.calendar, (when, self.seq, kind, subject, value))

    # -- events from the engine ----------------------------------------------------------

    def apply(self, events: list[RoutingEvent]) -> None:
        # Dispatch on the exact event type (the engine's events have no subclasses): one
        # identity test per branch instead of a chain of isinstance calls.
        out = self.outcome
        held, calendar = self.held, self.calendar
        for event in events:
            kind = type(event)
            if kind is OfferMade:
                offer = cast("OfferMade", event)
                contact: int = offer.contact_id  # type: ignore[assignment]
                agent = self.agent_index[offer.agent_id]
                at = offer.at
                if self.waiting[contact]:  # taken from the queue: the agent's phone rings
                    at += self.answer_delay[out.queue_of[contact]]
                if out.answered[contact] < 0:
                    out.answered[contact] = at
                out.started[contact] = at
                out.agent_of[contact] = agent
                self.waiting[contact] = False
                if self.counted_in[contact] >= 0:
                    self._stops_waiting(contact)
                seconds = out.arrivals.handling[contact]
                slow = self.slowdown[out.queue_of[contact]]
                if slow:
                    seconds *= 1.0 + slow * held[agent]
                held[agent] += 1
                token = self.tokens[contact] + 1
                self.tokens[contact] = token
                self.seq += 1
                heappush(calendar, (at + seconds, self.seq, COMPLETE, contact, token))
            elif kind is OverflowStepReached:
                continue
            elif kind is ContactQueued:
                self._queued(cast("ContactQueued", event))
            elif kind is ContactCompleted:
                completed = cast("ContactCompleted", event)
                contact = completed.contact_id  # type: ignore[assignment]
                out.completed[contact] = completed.at
                if completed.wrap_up_until <= completed.at:
                    out.ended[contact] = completed.at
                    self.live -= 1
                    self._freed(out.agent_of[contact])
                else:
                    queue = self.queue_index[completed.queue_id]
                    self.wrap_up_started(contact, queue, completed.at, completed.wrap_up_until)
            elif kind is WrapUpEnded:
                contact = cast("WrapUpEnded", event).contact_id  # type: ignore[assignment]
                out.ended[contact] = event.at
                self.live -= 1
                self._freed(out.agent_of[contact])
                self.wrap_up_ended(contact, out.queue_of[contact])
            elif kind is ContactAbandoned:
                contact = cast("ContactAbandoned", event).contact_id  # type: ignore[assignment]
                out.abandoned[contact] = event.at
                self.waiting[contact] = False
                if self.counted_in[contact] >= 0:
                    self._stops_waiting(contact)
                self.live -= 1
            elif kind is AgentStateChanged:
                changed = cast("AgentStateChanged", event)
                agent = self.agent_index[changed.agent_id]
                self.states.change(agent, self.staff.agent_sites[agent], changed.at, changed.state)
            else:
                self._rare(event)

    def _queued(self, event: ContactQueued) -> None:
        contact: int = event.contact_id  # type: ignore[assignment]
        self.waiting[contact] = True
        queue = self.queue_index[event.queue_id]
        if self.counted_in[contact] != queue:
            if self.counted_in[contact] >= 0:
                self.caller_left(self.counted_in[contact])
            self.counted_in[contact] = queue
            self.caller_waits(queue)
        if event.requeued:
            self.outcome.requeued += 1
            self.tokens[contact] += 1  # the handling end in the calendar no longer applies
            due = event.at + self.outcome.arrivals.patience[contact]
        elif self.abandon_due[contact] < 0:
            due = self.outcome.arrivals.times[contact] + self.outcome.arrivals.patience[contact]
        else:
            return
        if due < INF:
            self.abandon_due[contact] = due
            self.seq += 1
            heappush(self.calendar, (due, self.seq, ABANDON, contact, 0))

    def _rare(self, event: RoutingEvent) -> None:
        out = self.outcome
        if isinstance(event, ContactDropped):
            contact: int = event.contact_id  # type: ignore[assignment]
            out.dropped[contact] = event.at
            if self.counted_in[contact] >= 0:
                self._stops_waiting(contact)
            self.tokens[contact] += 1  # its handling end no longer applies
            self.live -= 1
        elif isinstance(event, ContactRefused):
            contact = event.contact_id  # type: ignore[assignment]
            out.refused[contact] = True
            self.live -= 1
        elif isinstance(event, ContactTransferred):
            contact = event.contact_id  # type: ignore[assignment]
            if event.to_queue_id is not None:
                out.queue_of[contact] = self.queue_index[event.to_queue_id]
            elif self.counted_in[contact] >= 0:
                self._stops_waiting(contact)
        elif isinstance(event, CallbackOffered):
            out.callbacks += 1

    def _stops_waiting(self, contact: int) -> None:
        self.caller_left(self.counted_in[contact])
        self.counted_in[contact] = -1

    def outcome_ended(self, contact: int) -> float:
        return self.outcome.ended[contact]

    def _freed(self, agent: int) -> None:
        held = self.held[agent] - 1
        self.held[agent] = held
        if held == 0 and self.leaving[agent]:
            self.to_logout.append(agent)
        if held == 0 and self.to_read[agent]:
            self.read_when_free(agent)

    # -- the loop --------------------------------------------------------------------------

    def loop(self, progress: Callable[[float], None] | None) -> None:
        engine, clock, calendar = self.engine, self.clock, self.calendar
        apply, arrivals = self.apply, self.outcome.arrivals
        times, queues, priorities = arrivals.times, arrivals.queues, arrivals.priorities
        queue_ids = [spec.queue_id for spec in self.scenario.queues]
        tokens, waiting, abandon_due = self.tokens, self.waiting, self.abandon_due
        contact_arrived, wake, complete = engine.contact_arrived, engine.wake, engine.complete
        next_wakeup, to_logout = engine.next_wakeup, self.to_logout
        count = len(times)
        horizon = self.scenario.end + self.scenario.drain_s
        index = 0
        wake_at = INF
        now = self.scenario.start
        while True:
            next_arrival = times[index] if index < count else INF
            next_event = calendar[0][0] if calendar else INF
            if wake_at <= next_arrival and wake_at <= next_event:
                if wake_at > horizon:
                    break
                now = wake_at
                clock.set(now)
                apply(wake())
            elif next_arrival <= next_event:
                now = next_arrival
                clock.set(now)
                self.live += 1
                apply(contact_arrived(index, queue_ids[queues[index]], priority=priorities[index]))
                index += 1
                if progress is not None and not index & 0x3FFF:
                    progress(index / count)
            else:
                if next_event > horizon:
                    break
                now, _, kind, subject, value = heappop(calendar)
                clock.set(now)
                if kind == COMPLETE:
                    if tokens[subject] == value:
                        apply(complete(subject))
                elif kind == ABANDON:
                    if waiting[subject] and abandon_due[subject] == now:
                        apply(engine.abandon(subject))
                elif kind == READY:
                    self.ready(subject)
                elif kind in (BRIEFED, READ):
                    self.briefing(kind, subject, value)
                else:
                    self.staffing(kind, subject, value)
            if to_logout:
                self.flush_logouts()
            due = next_wakeup()
            wake_at = INF if due is None else due
            if index >= count and now >= self.scenario.end and not self.live:
                break
        self.finish(now)

    def finish(self, now: float) -> None:
        end = max(now, self.scenario.end)
        out = self.outcome
        for agent, logged in enumerate(self.logged):
            if logged:
                out.logged_seconds[self.staff.agent_sites[agent]] += end - self.logged_since[agent]
                out.agent_logged_seconds[agent] += end - self.logged_since[agent]
        if self.scenario.agent_states:
            self.states.close(end)
            out.state_seconds = self.states.seconds
        out.end_time = end
