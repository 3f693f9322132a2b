"""Opening hours: weekly windows in an IANA time zone, and their combinations.

A `Schedule` answers two questions on engine time (float seconds since the epoch, UTC):
is it open at `t`, and when may that change next. The engine asks only when a change falls
due, so zoneinfo conversions stay off the per-contact path.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = [
    "ALWAYS",
    "AllOf",
    "AnyOf",
    "Schedule",
    "WeeklyHours",
    "Window",
    "open_deadline",
    "weekly",
]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 1440


class Schedule(Protocol):
    def is_open(self, at: float) -> bool: ...

    def next_change(self, at: float) -> float:
        """A time > `at` when `is_open` may change (math.inf: never). May be early, not late."""
        ...


@dataclass(frozen=True, slots=True)
class _Always:
    def is_open(self, at: float) -> bool:
        return True

    def next_change(self, at: float) -> float:
        return math.inf


ALWAYS: Schedule = _Always()


@dataclass(frozen=True, slots=True)
class Window:
    """Open on `weekday` (0 = Monday) from `start_min` to `end_min` minutes, local time."""

    weekday: int
    start_min: int
    end_min: int  # up to 1440 (midnight at the end of the day)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    time_zone: str
    windows: tuple[Window, ...]

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_open(self, at: float) -> bool:
        local = datetime.fromtimestamp(at, self._zone())
        minute = local.hour * 60 + local.minute + local.second / 60
        weekday = local.weekday()
        return any(w.weekday == weekday and w.start_min <= minute < w.end_min for w in self.windows)

    def next_change(self, at: float) -> float:
        zone = self._zone()
        today = datetime.fromtimestamp(at, zone).date()
        boundaries: set[float] = set()
        for offset in range(9):
            day = today + timedelta(days=offset)
            for w in self.windows:
                if w.weekday != day.weekday():
                    continue
                for minute in (w.start_min, w.end_min):
                    local = datetime(day.year, day.month, day.day, tzinfo=zone)
                    moment = (local + timedelta(minutes=minute)).timestamp()  # wall-clock
                    if moment > at:
                        boundaries.add(moment)
        current = self.is_open(at)
        for moment in sorted(boundaries):
            if self.is_open(moment) != current:
                return moment
        return math.inf


@dataclass(frozen=True, slots=True)
class AllOf:
    """Open when every part is open (e.g. after 18:00 Paris *and* before 22:00 Casablanca)."""

    parts: tuple[Schedule, ...]

    def is_open(self, at: float) -> bool:
        return all(part.is_open(at) for part in self.parts)

    def next_change(self, at: float) -> float:
        return min((part.next_change(at) for part in self.parts), default=math.inf)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Open when any part is open."""

    parts: tuple[Schedule, ...]

    def is_open(self, at: float) -> bool:
        return any(part.is_open(at) for part in self.parts)

    def next_change(self, at: float) -> float:
        return min((part.next_change(at) for part in self.parts), default=math.inf)


_SPEC = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}):(?P<start_m>\d{2})-(?P<end>\d{1,2}):(?P<end_m>\d{2})\s*$"
)


def _day(name: str, spec: str) -> int:
    if name not in _DAYS:
        raise ValueError(f"unknown weekday {name!r} in {spec!r} (use mon..sun)")
    return _DAYS.index(name)


def weekly(time_zone: str, *specs: str) -> WeeklyHours:
    """`weekly("Europe/Paris", "mon-fri 08:00-18:00", "sat 09:00-12:00")`.

    A window ending at or before its start runs past midnight ("fri 18:00-02:00");
    "24:00" is the end of the day. The time zone is checked at once.
    """
    ZoneInfo(time_zone)
    windows: list[Window] = []
    for spec in specs:
        found = _SPEC.match(spec.lower())
        if found is None:
            raise ValueError(f"cannot read opening hours {spec!r} (e.g. 'mon-fri 08:00-18:00')")
        first = _day(found["first"], spec)
        last = _day(found["last"], spec) if found["last"] else first
        start = int(found["start"]) * 60 + int(found["start_m"])
        end = int(found["end"]) * 60 + int(found["end_m"])
        if start >= _MINUTES_PER_DAY or end > _MINUTES_PER_DAY:
            raise ValueError(f"time out of range in {spec!r}")
        days = range(first, last + 1) if last >= first else [*range(first, 7), *range(last + 1)]
        for day in days:
            if end > start:
                windows.append(Window(day, start, end))
            else:
                windows.append(Window(day, start, _MINUTES_PER_DAY))
                if end > 0:
                    windows.append(Window((day + 1) % 7, 0, end))
    return WeeklyHours(time_zone, tuple(windows))


def open_deadline(schedule: Schedule, start: float, seconds: float) -> float:
    """When `seconds` of open time will have passed since `start`: a service-level clock
    that stops while the schedule is closed (math.inf if it never opens again)."""
    at, left = start, seconds
    for _ in range(10_000):  # a window a day for 27 years; `next_change` may answer early
        change = schedule.next_change(at)
        if schedule.is_open(at):
            if change - at >= left:
                return at + left
            left -= change - at
        if math.isinf(change):
            return math.inf
        at = change
    return math.inf
