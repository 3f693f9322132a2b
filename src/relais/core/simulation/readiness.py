"""After-call work that follows the time of day and the queue.

By the time of day: a queue's `wrap_up_by_interval` gives the after-call time of a call
ending in each interval (breaks and other unready time are not spread evenly over the day:
lunch, meetings); the engine holds the agent for the longest and the run ends the wrap-up
at the interval's own time.

By the queue: agents cut their after-call work short when callers wait.

A queue's `wrap_up_s` is the after-call time an agent takes when nobody is waiting (paperwork,
a breather, a word with a colleague). When callers are waiting, agents who see it on the
wallboard take the next call sooner: a queue with `wrap_up_when_waiting` (a law of seconds,
`QueueSpec`) draws for every call that ends a *short* after-call time, and the agent is
ready again at `end of call + short time` whenever a caller is waiting then, or as soon as
one starts waiting after it; never later than the ordinary wrap-up would have ended. With
callers waiting at the end of a call the agent is thus ready after the short time; with
nobody waiting it keeps the ordinary wrap-up until a caller queues.

This is what a call log shows (`bench.replay_bank`): an agent's next call starts a few
seconds after the last one ended while callers waited, minutes after it when none did.
Part of `runner._Run`, next to `StaffSync` and `BriefingSync`; its draws come from the
source `wrap_up_when_waiting:<queue>` (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import replace
from heapq import heappush

import numpy as np

from relais.core.clock import VirtualClock
from relais.core.routing import QueueConfig, RoutingEngine, RoutingEvent
from relais.core.simulation.scenario import QueueSpec, Scenario
from relais.core.simulation.streams import RandomStreams

__all__ = ["READY", "ReadinessSync", "engine_config"]

READY = 16  # calendar kind: (contact in wrap-up, 0): its agent is ready again
_BATCH = 4096


def engine_config(spec: QueueSpec) -> QueueConfig:
    """The queue as the engine gets it: held in wrap-up for the longest after-call time of
    the day (the run ends each wrap-up at its own interval's time)."""
    longest = max(spec.wrap_up_by_interval, default=spec.config.wrap_up_s) * max(
        (factor for _, factor in spec.wrap_up_by_waiting), default=1.0
    )
    if longest <= spec.config.wrap_up_s:
        return spec.config
    return replace(spec.config, wrap_up_s=longest)


class ReadinessSync:
    """Per queue: the callers waiting and the wrap-ups that end early once one waits."""

    engine: RoutingEngine
    clock: VirtualClock
    scenario: Scenario
    calendar: list[tuple[float, int, int, int, int]]
    seq: int

    def apply(self, events: list[RoutingEvent]) -> None:
        raise NotImplementedError

    def setup_readiness(self, streams: RandomStreams) -> None:
        queues = self.scenario.queues
        self.waiting_in = [0] * len(queues)  # callers waiting per queue
        self.early_ready = [spec.wrap_up_when_waiting is not None for spec in queues]
        self.by_interval = [spec.wrap_up_by_interval for spec in queues]
        self.by_waiting = [spec.wrap_up_by_waiting for spec in queues]
        self.default_wrap_up = [spec.config.wrap_up_s for spec in queues]
        # per queue: contact in wrap-up -> its short after-call time
        self.wrapping: list[dict[int, float]] = [{} for _ in queues]
        self._streams = streams
        self._draws: list[list[float]] = [[] for _ in queues]

    def _short_wrap_up(self, queue: int) -> float:
        draws = self._draws[queue]
        if not draws:
            spec = self.scenario.queues[queue]
            law = spec.wrap_up_when_waiting
            if law is None:
                return math.inf
            uniforms = self._streams.uniforms(f"wrap_up_when_waiting:{spec.queue_id}", _BATCH)
            draws.extend(np.minimum(law.from_uniforms(uniforms), 1e12)[::-1].tolist())
        return draws.pop()

    def wrap_up_started(self, contact: int, queue: int, at: float, until: float) -> None:
        """A call ended with a wrap-up the engine holds until `until`: ready at the end of
        its interval's after-call time, and earlier if callers wait."""
        profile, factors = self.by_interval[queue], self.by_waiting[queue]
        if profile or factors:
            ordinary = self.default_wrap_up[queue]
            if profile:
                scenario = self.scenario
                slot = int((at - scenario.start) // scenario.interval_s)
                ordinary = profile[slot] if 0 <= slot < len(profile) else ordinary
            waiting, factor = self.waiting_in[queue], 1.0
            for least, value in factors:
                if waiting >= least:
                    factor = value
            ordinary *= factor
            if at + ordinary < until:
                until = at + ordinary
                self._ready_at(contact, until)
        if not self.early_ready[queue]:
            return
        short = self._short_wrap_up(queue)
        if at + short >= until:
            return
        if self.waiting_in[queue] > 0:
            self._ready_at(contact, at + short)
        else:
            self.wrapping[queue][contact] = short

    def wrap_up_ended(self, contact: int, queue: int) -> None:
        if self.early_ready[queue]:
            self.wrapping[queue].pop(contact, None)

    def caller_waits(self, queue: int) -> None:
        """A caller starts waiting: one agent in wrap-up on the queue (the quickest) cuts
        it short, its short after-call time counted from now."""
        self.waiting_in[queue] += 1
        wrapping = self.wrapping[queue]
        if wrapping:
            contact = min(wrapping, key=wrapping.__getitem__)
            self._ready_at(contact, self.clock.now() + wrapping.pop(contact))

    def caller_left(self, queue: int) -> None:
        self.waiting_in[queue] -= 1

    def ready(self, contact: int) -> None:
        """The calendar's READY: end the contact's wrap-up if it is still on."""
        if self.outcome_ended(contact) < 0:
            self.apply(self.engine.end_wrap_up(contact))

    def outcome_ended(self, contact: int) -> float:
        raise NotImplementedError

    def _ready_at(self, contact: int, when: float) -> None:
        self.seq += 1
        heappush(self.calendar, (when, self.seq, READY, contact, 0))
