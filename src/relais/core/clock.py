"""Time for the core: one `Clock` protocol, a real one and a virtual one.

The core's hot paths work on plain floats: seconds since the Unix epoch, UTC. Aware
datetimes appear only at the edges (`to_datetime`, `from_datetime`), so that an event
costs no datetime object and the simulator can drive the same code with `VirtualClock`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "SystemClock", "VirtualClock", "from_datetime", "to_datetime"]


@runtime_checkable
class Clock(Protocol):
    """Gives the current time as seconds since the Unix epoch (UTC), a float."""

    def now(self) -> float: ...


def to_datetime(seconds: float) -> datetime:
    """Engine time (seconds since the epoch) to an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def from_datetime(moment: datetime) -> float:
    """An aware datetime to engine time; a naive datetime is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: Relais only accepts timezone-aware datetimes")
    return moment.timestamp()


class SystemClock:
    """The wall clock (`time.time()`), for the live router."""

    __slots__ = ()

    def now(self) -> float:
        return time.time()


class VirtualClock:
    """A clock that moves only when told to: for tests and the simulator."""

    __slots__ = ("_now",)

    def __init__(self, start: float | datetime = 0.0) -> None:
        self._now = from_datetime(start) if isinstance(start, datetime) else float(start)

    def now(self) -> float:
        return self._now

    def set(self, moment: float | datetime) -> None:
        """Jump to `moment`; time never goes backwards."""
        target = from_datetime(moment) if isinstance(moment, datetime) else float(moment)
        if target < self._now:
            raise ValueError(f"virtual clock cannot go back from {self._now} to {target}")
        self._now = target

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("virtual clock cannot go back")
        self._now += seconds
        return self._now
