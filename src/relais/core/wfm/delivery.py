"""What a partner delivered per interval, from the agent state log and its answered contacts.

Pure, no I/O. Per interval of the period, measured up to ``now`` (later intervals measure
nothing):

- **agents logged in**: the mean number of agents logged in over the interval (seconds in any
  state but ``offline`` and ``disconnected`` / the seconds of the interval elapsed: 2 agents
  for the whole half-hour and 1 for half of it make 2.5);
- **productive hours**: hours in a working state (``available``, ``busy``, ``wrap_up``);
- **service level**: contacts answered within the queue's threshold / contacts answered, for
  the contacts that arrived in the interval and that the partner answered (an abandoned
  contact belongs to the queue, not to a partner: `relais.core.kpi.definitions.service_level`
  with no abandonment after the threshold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from relais.core.kpi.definitions import service_level
from relais.core.wfm.adherence import WORK, StateChange, state_segments


@dataclass(frozen=True, slots=True)
class AnsweredContact:
    """A contact the partner answered: when it arrived and how long it waited (seconds)."""

    arrived_at: datetime
    wait_seconds: float


@dataclass(frozen=True, slots=True)
class IntervalDelivery:
    start: datetime
    measured: bool
    logged_in_seconds: float = 0.0
    productive_seconds: float = 0.0
    answered: int = 0
    answered_within: int = 0
    measured_seconds: float = 0.0

    @property
    def agents_logged_in(self) -> float | None:
        """Mean agents logged in over the part of the interval measured so far."""
        if not self.measured or self.measured_seconds <= 0:
            return None
        return self.logged_in_seconds / self.measured_seconds

    @property
    def productive_hours(self) -> float | None:
        return self.productive_seconds / 3600 if self.measured else None

    @property
    def service_level(self) -> float | None:
        return service_level(self.answered_within, self.answered, 0) if self.measured else None


def _overlap(a: datetime, b: datetime, lo: datetime, hi: datetime) -> float:
    return max(0.0, (min(b, hi) - max(a, lo)).total_seconds())


def delivery_by_interval(
    starts: Sequence[datetime],
    interval: timedelta,
    log: Iterable[StateChange],
    contacts: Iterable[AnsweredContact],
    *,
    threshold_seconds: float,
    now: datetime,
) -> list[IntervalDelivery]:
    """One `IntervalDelivery` per start of ``starts`` (sorted, aware), measured up to ``now``."""
    if now.tzinfo is None or any(start.tzinfo is None for start in starts):
        raise ValueError("interval starts and now must be aware datetimes")
    if not starts:
        return []
    first, last = starts[0], starts[-1] + interval
    elapsed = max(first, min(last, now))
    states: dict[str, list[StateChange]] = defaultdict(list)
    for change in log:
        states[change.agent_id].append(change)
    logged = [0.0] * len(starts)
    productive = [0.0] * len(starts)
    for changes in states.values():
        for seg_start, seg_end, activity in state_segments(changes, first, elapsed):
            if activity is None:
                continue
            for index, start in enumerate(starts):
                seconds = _overlap(seg_start, seg_end, start, start + interval)
                logged[index] += seconds
                if activity == WORK:
                    productive[index] += seconds
    answered = [0] * len(starts)
    within = [0] * len(starts)
    index_of = {start: index for index, start in enumerate(starts)}
    for contact in contacts:
        offset = (contact.arrived_at - first) // interval
        found = index_of.get(first + offset * interval)
        if found is None or contact.arrived_at >= now:
            continue
        answered[found] += 1
        within[found] += contact.wait_seconds <= threshold_seconds
    return [
        IntervalDelivery(
            start=start,
            measured=start < now,
            logged_in_seconds=logged[index],
            productive_seconds=productive[index],
            answered=answered[index],
            answered_within=within[index],
            measured_seconds=_overlap(start, start + interval, first, elapsed),
        )
        for index, start in enumerate(starts)
    ]


__all__ = ["AnsweredContact", "IntervalDelivery", "delivery_by_interval"]
