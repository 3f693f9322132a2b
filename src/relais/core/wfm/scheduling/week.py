"""The planning week: interval indices and their aware UTC datetimes.

Every time in the scheduling model is an interval index ``i`` meaning the half-open span
``[start + i * step, start + (i + 1) * step)`` where ``start`` is the week's aware UTC start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Week:
    """A planning horizon of ``days`` days cut into ``interval_minutes`` intervals."""

    start: datetime
    interval_minutes: int = 15
    days: int = 7

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("Week.start must be an aware datetime")
        if self.interval_minutes <= 0 or (24 * 60) % self.interval_minutes:
            raise ValueError("interval_minutes must divide a day")
        if self.days <= 0:
            raise ValueError("days must be positive")
        object.__setattr__(self, "start", self.start.astimezone(UTC))

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.interval_minutes)

    @property
    def intervals_per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    @property
    def intervals(self) -> int:
        """Number of intervals in the horizon."""
        return self.days * self.intervals_per_day

    def at(self, index: int) -> datetime:
        """The aware UTC datetime at which interval ``index`` starts (``intervals`` = the end)."""
        return self.start + index * self.step

    def index_of(self, moment: datetime) -> int:
        """The interval containing ``moment`` (floor; may lie outside ``[0, intervals)``)."""
        if moment.tzinfo is None:
            raise ValueError("moment must be an aware datetime")
        return (moment - self.start) // self.step

    def intervals_for(self, hours: float) -> int:
        """Whole intervals in ``hours`` (e.g. 11 h of rest = 44 quarter-hours)."""
        return round(hours * 60 / self.interval_minutes)

    def local_date(self, day: int, timezone: str) -> date:
        """The site-local calendar date of day ``day``: the local date at the middle of
        ``[start + day days, start + day + 1 days)``, so that a week starting at Monday 00:00
        in Paris has Monday as day 0 from Casablanca to Bucharest."""
        middle = self.start + timedelta(days=day, hours=12)
        return middle.astimezone(ZoneInfo(timezone)).date()

    def local_index(self, day: int, clock: time, timezone: str) -> int:
        """Interval index of the local wall-clock time ``clock`` on local day ``day``.

        Daylight-saving changes are honoured through ``zoneinfo``; a time that does not fall
        on an interval boundary is floored.
        """
        zone = ZoneInfo(timezone)
        local = datetime.combine(self.local_date(day, timezone), clock, tzinfo=zone)
        return self.index_of(local)

    def local_weekday(self, day: int, timezone: str) -> int:
        """Weekday (Monday = 0) of local day ``day`` at the site."""
        return self.local_date(day, timezone).weekday()
