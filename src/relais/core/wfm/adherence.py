"""Schedule adherence and conformance from an agent state log (pure, no I/O).

- **adherence** = time the agent spent in the scheduled activity / scheduled time, over the
  scheduled activities (work, breaks, lunch, ...) that fall in the period;
- **conformance** = time spent working / scheduled work time, whenever it happened.

Only elapsed time is measured: the caller passes ``now`` and the period is measured up to
it; what is scheduled after ``now`` is reported apart as planned (``scheduled_ahead``),
never as worked or missed. The core never reads a clock.

Working states are ``available``, ``busy`` and ``wrap_up``; a ``break`` state matches a
scheduled non-work activity of the same name as its reason (a break without a reason counts
as ``break``). Any other state (``offline``, ``disconnected``: the desktop connection was
lost) is no activity: out of adherence, not worked. Before an agent's first log entry the
agent is ``offline``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

WORKING_STATES = frozenset({"available", "busy", "wrap_up"})
WORK = "work"


@dataclass(frozen=True, slots=True)
class ScheduledActivity:
    """``activity`` is ``work`` or the name of a break (``break``, ``lunch``, ``iftar``...)."""

    agent_id: str
    start: datetime
    end: datetime
    activity: str


@dataclass(frozen=True, slots=True)
class StateChange:
    """From ``at`` on, the agent is in ``state`` (``offline``, ``disconnected``, ``available``,
    ``busy``, ``wrap_up``, ``break``); ``reason`` qualifies a break (``lunch``, ``prayer``...)."""

    agent_id: str
    at: datetime
    state: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Adherence:
    """Times over the elapsed part of the period (up to ``now``), and what is still to come.

    ``scheduled``, ``in_adherence``, ``scheduled_work`` and ``worked`` are measured up to
    ``now``; ``scheduled_ahead`` is the scheduled time after ``now`` (planned, not measured).
    """

    scheduled: timedelta
    in_adherence: timedelta
    scheduled_work: timedelta
    worked: timedelta
    scheduled_ahead: timedelta = timedelta(0)

    @property
    def adherence_pct(self) -> float | None:
        """None when nothing was scheduled."""
        if not self.scheduled:
            return None
        return 100.0 * (self.in_adherence / self.scheduled)

    @property
    def conformance_pct(self) -> float | None:
        if not self.scheduled_work:
            return None
        return 100.0 * (self.worked / self.scheduled_work)

    def __add__(self, other: Adherence) -> Adherence:
        return Adherence(
            self.scheduled + other.scheduled,
            self.in_adherence + other.in_adherence,
            self.scheduled_work + other.scheduled_work,
            self.worked + other.worked,
            self.scheduled_ahead + other.scheduled_ahead,
        )


NOTHING = Adherence(timedelta(0), timedelta(0), timedelta(0), timedelta(0), timedelta(0))


def activity_of(change: StateChange) -> str | None:
    """The activity a state stands for: ``work``, a break name, or None (offline...)."""
    if change.state in WORKING_STATES:
        return WORK
    if change.state == "break":
        return change.reason or "break"
    return None


def adherence_by_agent(
    schedule: Iterable[ScheduledActivity],
    log: Iterable[StateChange],
    period_start: datetime,
    period_end: datetime,
    *,
    now: datetime,
) -> dict[str, Adherence]:
    """Adherence and conformance of every agent scheduled or logged in the period.

    The period is measured from ``period_start`` to ``min(period_end, now)``; scheduled
    time after ``now`` is ``scheduled_ahead``. A period wholly in the future measures
    nothing (every percentage is None) and a period wholly past measures all of it.
    """
    if period_start.tzinfo is None or period_end.tzinfo is None or now.tzinfo is None:
        raise ValueError("period bounds and now must be aware datetimes")
    if period_end < period_start:
        raise ValueError("period_end precedes period_start")
    elapsed_end = max(period_start, min(period_end, now))
    planned: dict[str, list[ScheduledActivity]] = defaultdict(list)
    for activity in schedule:
        planned[activity.agent_id].append(activity)
    states: dict[str, list[StateChange]] = defaultdict(list)
    for change in log:
        states[change.agent_id].append(change)
    result: dict[str, Adherence] = {}
    for agent_id in sorted(planned.keys() | states.keys()):
        segments = state_segments(states.get(agent_id, []), period_start, elapsed_end)
        measured = _agent_adherence(planned.get(agent_id, []), segments, period_start, elapsed_end)
        ahead = _scheduled_between(planned.get(agent_id, []), elapsed_end, period_end)
        result[agent_id] = replace(measured, scheduled_ahead=ahead)
    return result


def adherence_by_site(
    per_agent: Mapping[str, Adherence], site_of: Mapping[str, str]
) -> dict[str, Adherence]:
    """Sum agents' times per site (a ratio of sums, not a mean of ratios)."""
    totals: dict[str, Adherence] = defaultdict(lambda: NOTHING)
    for agent_id, figures in per_agent.items():
        site = site_of.get(agent_id)
        if site is not None:
            totals[site] = totals[site] + figures
    return dict(totals)


def state_segments(
    changes: Sequence[StateChange], start: datetime, end: datetime
) -> list[tuple[datetime, datetime, str | None]]:
    """The agent's activity as ``(from, to, activity)`` pieces covering ``[start, end)``."""
    ordered = sorted(changes, key=lambda change: change.at)
    segments: list[tuple[datetime, datetime, str | None]] = []
    cursor, current = start, None
    for change in ordered:
        if change.at <= start:
            current = activity_of(change)
            continue
        if change.at >= end:
            break
        segments.append((cursor, change.at, current))
        cursor, current = change.at, activity_of(change)
    segments.append((cursor, end, current))
    return [segment for segment in segments if segment[0] < segment[1]]


def _scheduled_between(
    planned: Sequence[ScheduledActivity], start: datetime, end: datetime
) -> timedelta:
    overlaps = (min(a.end, end) - max(a.start, start) for a in planned)
    return sum((overlap for overlap in overlaps if overlap > timedelta(0)), timedelta(0))


def _agent_adherence(
    planned: Sequence[ScheduledActivity],
    segments: Sequence[tuple[datetime, datetime, str | None]],
    start: datetime,
    end: datetime,
) -> Adherence:
    zero = timedelta(0)
    scheduled = in_adherence = scheduled_work = zero
    for activity in planned:
        lo, hi = max(activity.start, start), min(activity.end, end)
        if hi <= lo:
            continue
        scheduled += hi - lo
        if activity.activity == WORK:
            scheduled_work += hi - lo
        for seg_start, seg_end, actual in segments:
            if actual == activity.activity:
                overlap = min(hi, seg_end) - max(lo, seg_start)
                if overlap > zero:
                    in_adherence += overlap
    worked = sum((b - a for a, b, actual in segments if actual == WORK), zero)
    return Adherence(scheduled, in_adherence, scheduled_work, worked)


def activities_from_shifts(
    shifts: Iterable[tuple[str, Sequence[tuple[int, int, str]]]],
    week_start: datetime,
    interval_minutes: int = 15,
) -> list[ScheduledActivity]:
    """Scheduled activities from ``(agent_id, [(start, end, activity), ...])`` in interval
    indices, e.g. ``(shift.agent_id, shift.activities())`` from the scheduling package."""
    step = timedelta(minutes=interval_minutes)
    return [
        ScheduledActivity(agent_id, week_start + lo * step, week_start + hi * step, activity)
        for agent_id, pieces in shifts
        for lo, hi, activity in pieces
    ]
