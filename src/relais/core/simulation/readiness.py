"""After-call work that follows the queue: agents cut it short when callers wait.

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

from heapq import heappush

import numpy as np

from relais.core.clock import VirtualClock
from relais.core.routing import RoutingEngine, RoutingEvent
from relais.core.simulation.scenario import Scenario
from relais.core.simulation.streams import RandomStreams

__all__ = ["READY", "ReadinessSync"]

READY = 16  # calendar kind: (contact in wrap-up, 0): its agent is ready again
_BATCH = 4096


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
        # per queue: contact in wrap-up -> its short after-call time
        self.wrapping: list[dict[int, float]] = [{} for _ in queues]
        self._streams = streams
        self._draws: list[list[float]] = [[] for _ in queues]

    def _short_wrap_up(self, queue: int) -> float:
        draws = self._draws[queue]
        if not draws:
            spec = self.scenario.queues[queue]
            assert spec.wrap_up_when_waiting is not None
            name = f"wrap_up_when_waiting:{spec.queue_id}"
            values = spec.wrap_up_when_waiting.from_uniforms(
                self._streams.uniforms(name, _BATCH)
            )
            draws.extend(np.minimum(values, 1e12)[::-1].tolist())
        return draws.pop()

    def wrap_up_started(self, contact: int, queue: int, at: float, until: float) -> None:
        """A call ended with a wrap-up until `until`: ready earlier if callers wait."""
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
