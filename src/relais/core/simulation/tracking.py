"""Agent time per interval and site, from the engine's `AgentStateChanged` events.

Seconds are accumulated per (interval start, site index) in three counters: handling
(busy or wrap-up), available, unavailable (breaks), the split occupancy and in-shift
shrinkage need; they are handed to `relais.core.kpi` as state seconds.
"""

from __future__ import annotations

from relais.core.routing import AgentState

__all__ = ["AVAILABLE", "HANDLING", "UNAVAILABLE", "StateSeconds"]

HANDLING, AVAILABLE, UNAVAILABLE = 0, 1, 2
_CODE = {
    AgentState.BUSY: HANDLING,
    AgentState.WRAP_UP: HANDLING,
    AgentState.AVAILABLE: AVAILABLE,
    AgentState.BREAK: UNAVAILABLE,
    AgentState.OFFLINE: -1,
    AgentState.DISCONNECTED: -1,
}


class StateSeconds:
    """`change(agent, site, at, state)` on every state change; `close(at)` at the end."""

    __slots__ = ("_current", "_interval", "_origin", "seconds")

    def __init__(self, origin: float, interval_s: float) -> None:
        self._origin = origin
        self._interval = interval_s
        self._current: dict[int, tuple[int, int, float]] = {}  # agent -> (code, site, since)
        self.seconds: dict[tuple[float, int], list[float]] = {}

    def change(self, agent: int, site: int, at: float, state: AgentState) -> None:
        previous = self._current.get(agent)
        if previous is not None:
            self._add(previous[0], previous[1], previous[2], at)
        self._current[agent] = (_CODE[state], site, at)

    def close(self, at: float) -> None:
        for code, site, since in self._current.values():
            self._add(code, site, since, at)
        self._current.clear()

    def _add(self, code: int, site: int, start: float, end: float) -> None:
        if code < 0 or end <= start:
            return
        interval, origin = self._interval, self._origin
        while start < end:
            slot = origin + ((start - origin) // interval) * interval
            stop = min(end, slot + interval)
            bucket = self.seconds.get((slot, site))
            if bucket is None:
                bucket = self.seconds[(slot, site)] = [0.0, 0.0, 0.0]
            bucket[code] += stop - start
            start = stop
