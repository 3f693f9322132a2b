"""Reachability: when a queue is open but none of its overflow steps can reach anybody.

A queue takes contacts while its hours are open; they are answered only by the agents of
an *open* step who may serve the queue (the engine's rule: the queue's language, capacity
on its channel, the step's target and skill levels). When step hours are narrower than the
queue's, or every agent a step targets works on a site closed at that hour, contacts wait
for nobody. This module finds those moments:

- `queue_reach` reduces a queue to what matters: per step, its hours and who may serve it;
- `reachable_now` answers "is a logged-in agent of an open step there now?" (the
  wallboard's alert: a few schedule look-ups, no configuration work);
- `queue_gaps` finds, over a period of absolute time, when the queue is open and nobody can
  be reached, with the reason. Working on absolute time keeps each schedule in its own time
  zone with its own daylight-saving rules (Paris and Casablanca do not change on the same
  days), so the result is exact for the dates checked;
- `reachability_gaps` checks whole local weeks and folds them into weekly ranges in the
  queue's time zone ("Monday 22:00–24:00, in 30 of the 53 weeks checked").

See docs/routing.md, "Reachability".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from relais.core.routing.hours import ALWAYS, AllOf, AnyOf, Schedule, WeeklyHours
from relais.core.routing.model import AgentProfile, QueueConfig, Site
from relais.core.routing.roster import meets

__all__ = [
    "WEEK_MINUTES",
    "Gap",
    "GapReason",
    "QueueReach",
    "StepReach",
    "WeeklyGap",
    "group_days",
    "queue_gaps",
    "queue_reach",
    "reachability_gaps",
    "reachable_now",
    "schedule_changes",
    "serving_steps",
]

WEEK_MINUTES = 7 * 1440
_DAY = timedelta(days=1)
#: A schedule of an unknown kind is walked with `next_change`; at most this many steps.
_MAX_CHANGES = 100_000


class GapReason(StrEnum):
    """Why nobody can be reached while the queue is open."""

    NO_STEP_OPEN = "no_step_open"  # every step's hours are closed
    NO_SKILLED_AGENT = "no_skilled_agent"  # the open steps target nobody who may serve
    SITES_CLOSED = "sites_closed"  # those who may serve work on sites closed then


@dataclass(frozen=True, slots=True)
class StepReach:
    """One overflow step: its hours (None: whenever the queue is open) and who may serve."""

    hours: Schedule | None
    agents: frozenset[str]
    sites: frozenset[str]  # the sites of those agents


@dataclass(frozen=True, slots=True)
class QueueReach:
    queue_id: str
    hours: Schedule | None  # None: always open
    steps: tuple[StepReach, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    """From `start` to `end` (engine time) the queue is open and nobody can be reached."""

    queue_id: str
    start: float
    end: float
    reason: GapReason


@dataclass(frozen=True, slots=True)
class WeeklyGap:
    """A gap as a weekly range in the queue's local time.

    Minutes count from Monday 00:00; `end_min` may pass `WEEK_MINUTES` when the range runs
    over Sunday midnight into Monday. `weeks` are the Mondays of the weeks checked in which
    it occurs (out of `weeks_checked`): daylight-saving changes and the Ramadan time of
    Morocco move some gaps for a few weeks only.
    """

    queue_id: str
    reason: GapReason
    start_min: int
    end_min: int
    weeks: tuple[date, ...]
    weeks_checked: int

    @property
    def every_week(self) -> bool:
        return len(self.weeks) == self.weeks_checked

    @property
    def whole_week(self) -> bool:
        return self.every_week and self.end_min - self.start_min >= WEEK_MINUTES

    @property
    def first_date(self) -> date:
        """The local date the range first starts on."""
        return self.weeks[0] + timedelta(days=self.start_min // 1440)


# -- who may serve ----------------------------------------------------------------------------


def serving_steps(config: QueueConfig, profile: AgentProfile, site: Site) -> tuple[int, ...]:
    """The steps of the queue whose agents `profile` is (the engine's membership rule)."""
    if profile.capacity.get(config.channel, 0) <= 0:
        return ()
    if config.language is not None and config.language not in profile.languages:
        return ()
    return tuple(
        index
        for index, step in enumerate(config.steps)
        if step.target.matches(site) and meets(profile.skills, config.levels_at(index))
    )


def queue_reach(
    config: QueueConfig, sites: Mapping[str, Site], agents: Iterable[AgentProfile]
) -> QueueReach:
    """The queue's steps with the agents (of `agents`, on a known site) who may serve them."""
    served: list[set[str]] = [set() for _ in config.steps]
    where: dict[str, str] = {}
    for profile in agents:
        site = sites.get(profile.site_id)
        if site is None:
            continue
        for index in serving_steps(config, profile, site):
            served[index].add(profile.agent_id)
            where[profile.agent_id] = profile.site_id
    return QueueReach(
        queue_id=config.queue_id,
        hours=config.hours,
        steps=tuple(
            StepReach(step.hours, frozenset(ids), frozenset(where[a] for a in ids))
            for step, ids in zip(config.steps, served, strict=True)
        ),
    )


def reachable_now(reach: QueueReach, at: float, logged_in: Container[str]) -> bool:
    """A logged-in agent of a step open at `at` may serve the queue's waiting contacts.

    The queue's own hours do not matter: contacts already waiting stay when it closes.
    """
    for step in reach.steps:
        if step.hours is not None and not step.hours.is_open(at):
            continue
        if any(agent in logged_in for agent in step.agents):
            return True
    return False


# -- when a schedule may change -----------------------------------------------------------------


def schedule_changes(schedule: Schedule, start: float, end: float) -> set[float]:
    """Moments in (start, end) that include every change of `schedule` (and maybe more)."""
    if schedule is ALWAYS:
        return set()
    if isinstance(schedule, WeeklyHours):
        return _weekly_changes(schedule, start, end)
    if isinstance(schedule, AllOf | AnyOf):
        found: set[float] = set()
        for part in schedule.parts:
            found |= schedule_changes(part, start, end)
        return found
    found = set()
    moment = start
    for _ in range(_MAX_CHANGES):
        moment = schedule.next_change(moment)
        if moment >= end or math.isinf(moment):
            break
        found.add(moment)
    return found


def _weekly_changes(hours: WeeklyHours, start: float, end: float) -> set[float]:
    """Each window's start and end on every local day (both readings of a repeated wall
    time), and the zone's own offset changes (a window starting in a skipped hour opens at
    the jump)."""
    zone = ZoneInfo(hours.time_zone)
    minutes: dict[int, set[int]] = {}
    for window in hours.windows:
        minutes.setdefault(window.weekday, set()).update((window.start_min, window.end_min))
    found: set[float] = set()
    day = datetime.fromtimestamp(start, zone).date() - _DAY
    last = datetime.fromtimestamp(end, zone).date() + _DAY
    midnight = _midnight(day, zone)
    while day <= last:
        following = _midnight(day + _DAY, zone)
        if _offset(midnight, zone) != _offset(following, zone):
            found.add(_transition(midnight, following, zone))
        for minute in minutes.get(day.weekday(), ()):
            local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)
            found.add(local.timestamp())
            found.add(local.replace(fold=1).timestamp())
        day += _DAY
        midnight = following
    return {moment for moment in found if start < moment < end}


def _midnight(day: date, zone: ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()


def _offset(at: float, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(at, zone).utcoffset()


def _transition(before: float, after: float, zone: ZoneInfo) -> float:
    """The first second at which the zone's offset differs from the one at `before`."""
    low, high = math.floor(before), math.ceil(after)
    offset = _offset(low, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(middle, zone) == offset:
            low = middle
        else:
            high = middle
    return float(high)


# -- gaps ---------------------------------------------------------------------------------------


def queue_gaps(
    reach: QueueReach,
    *,
    start: float,
    end: float,
    site_hours: Mapping[str, Schedule] | None = None,
) -> list[Gap]:
    """When, between `start` and `end`, the queue is open and nobody can be reached.

    With `site_hours` (site id -> hours; a site without hours counts as always open), an
    agent counts only while their site is open.
    """
    site_hours = site_hours or {}
    schedules = [reach.hours, *(step.hours for step in reach.steps)]
    schedules += [site_hours[s] for s in _sites(reach) if s in site_hours]
    moments = {start, end}
    for schedule in schedules:
        if schedule is not None:
            moments |= schedule_changes(schedule, start, end)
    gaps: list[Gap] = []
    for low, high in pairwise(sorted(moments)):
        reason = _unreachable_because(reach, low, site_hours)
        if reason is None:
            continue
        if gaps and gaps[-1].end == low and gaps[-1].reason is reason:
            gaps[-1] = Gap(reach.queue_id, gaps[-1].start, high, reason)
        else:
            gaps.append(Gap(reach.queue_id, low, high, reason))
    return gaps


def _sites(reach: QueueReach) -> frozenset[str]:
    return frozenset().union(*(step.sites for step in reach.steps))


def _unreachable_because(
    reach: QueueReach, at: float, site_hours: Mapping[str, Schedule]
) -> GapReason | None:
    if reach.hours is not None and not reach.hours.is_open(at):
        return None
    open_steps = [s for s in reach.steps if s.hours is None or s.hours.is_open(at)]
    if not open_steps:
        return GapReason.NO_STEP_OPEN
    sites = frozenset().union(*(step.sites for step in open_steps))
    if not sites:
        return GapReason.NO_SKILLED_AGENT
    if any(site not in site_hours or site_hours[site].is_open(at) for site in sites):
        return None
    return GapReason.SITES_CLOSED


# -- weekly ranges ------------------------------------------------------------------------------


def reachability_gaps(
    reaches: Iterable[QueueReach],
    *,
    start: float,
    weeks: int = 1,
    time_zones: Mapping[str, str] | None = None,
    site_hours: Mapping[str, Schedule] | None = None,
) -> list[WeeklyGap]:
    """The gaps of each queue over `weeks` whole local weeks from the one holding `start`,
    as weekly ranges in the queue's time zone (`time_zones`: queue id -> IANA zone; UTC
    when absent), by queue, then start."""
    if weeks < 1:
        raise ValueError("check at least one week")
    found: list[WeeklyGap] = []
    for reach in reaches:
        zone = ZoneInfo((time_zones or {}).get(reach.queue_id, "UTC"))
        today = datetime.fromtimestamp(start, zone).date()
        mondays = [today - timedelta(days=today.weekday() - 7 * k) for k in range(weeks + 1)]
        bounds = [_midnight(monday, zone) for monday in mondays]
        gaps = queue_gaps(reach, start=bounds[0], end=bounds[-1], site_hours=site_hours)
        found += _fold(reach.queue_id, gaps, zone, mondays, bounds)
    return found


def _fold(
    queue_id: str, gaps: list[Gap], zone: ZoneInfo, mondays: list[date], bounds: list[float]
) -> list[WeeklyGap]:
    """Gaps cut at local week boundaries, laid on one week, merged where the same weeks
    share the same reason."""
    weeks = len(mondays) - 1
    pieces: dict[GapReason, list[tuple[int, int, int]]] = {}  # reason -> (week, start, end)
    for gap in gaps:
        for week in range(weeks):
            low, high = max(gap.start, bounds[week]), min(gap.end, bounds[week + 1])
            if low < high:
                first, last = _minute(low, zone, mondays[week]), _minute(high, zone, mondays[week])
                if first < last:
                    pieces.setdefault(gap.reason, []).append((week, first, last))
    ranges: list[WeeklyGap] = []
    for reason, parts in pieces.items():
        merged = _merge(parts)
        ranges += [
            WeeklyGap(queue_id, reason, a, b, tuple(mondays[w] for w in sorted(ws)), weeks)
            for a, b, ws in _wrap(merged, weeks)
        ]
    return sorted(ranges, key=lambda r: (r.start_min, r.end_min, r.reason))


def _minute(at: float, zone: ZoneInfo, monday: date) -> int:
    """Minutes from `monday` 00:00 to `at`, on the local wall clock."""
    local = datetime.fromtimestamp(at, zone)
    return (local.date() - monday).days * 1440 + local.hour * 60 + local.minute


type _Range = tuple[int, int, frozenset[int]]


def _merge(parts: list[tuple[int, int, int]]) -> list[_Range]:
    """Minute ranges with the set of weeks covering them; neighbours with equal sets merged."""
    changes: dict[int, Counter[int]] = {}
    for week, first, last in parts:
        changes.setdefault(first, Counter())[week] += 1
        changes.setdefault(last, Counter())[week] -= 1
    active: Counter[int] = Counter()
    merged: list[_Range] = []
    points = sorted(changes)
    for low, high in pairwise(points):
        active.update(changes[low])
        covering = frozenset(week for week, count in active.items() if count > 0)
        if not covering:
            continue
        if merged and merged[-1][1] == low and merged[-1][2] == covering:
            merged[-1] = (merged[-1][0], high, covering)
        else:
            merged.append((low, high, covering))
    return merged


def _wrap(merged: list[_Range], weeks: int) -> list[_Range]:
    """A range every week up to Sunday midnight joined to one every week from Monday 00:00."""
    every = frozenset(range(weeks))
    if len(merged) >= 2:
        first, last = merged[0], merged[-1]
        if first[0] == 0 and last[1] == WEEK_MINUTES and first[2] == last[2] == every:
            return [*merged[1:-1], (last[0], WEEK_MINUTES + first[1], every)]
    return merged


def group_days(gaps: Iterable[WeeklyGap]) -> list[tuple[WeeklyGap, ...]]:
    """Ranges at the same hours on consecutive days, for the same reason and in as many
    weeks, grouped ("Monday to Saturday 23:00-24:00"), in the order of their first range."""
    groups: list[list[WeeklyGap]] = []
    open_groups: dict[tuple[object, ...], list[WeeklyGap]] = {}
    for gap in gaps:
        day, start = divmod(gap.start_min, 1440)
        key = (gap.queue_id, gap.reason, start, gap.end_min - gap.start_min, len(gap.weeks))
        group = open_groups.get(key)
        if group is not None and group[-1].start_min // 1440 == day - 1 and not gap.whole_week:
            group.append(gap)
            continue
        group = [gap]
        groups.append(group)
        open_groups[key] = group
    return [tuple(group) for group in groups]
