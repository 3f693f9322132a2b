"""Inputs and outputs of site calendars: plain, frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

__all__ = [
    "CalendarDay",
    "LocalWindow",
    "OpeningHours",
    "SiteCalendar",
    "SiteCalendarConfig",
    "UtcWindow",
]

_EMPTY_DATES: Mapping[date, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class LocalWindow:
    """A window of local clock time; ``end <= start`` means it ends on the next day."""

    start: time
    end: time

    def spans_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class UtcWindow:
    """A half-open window ``[start, end)`` of aware UTC datetimes."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Opening windows per local weekday (0 = Monday … 6 = Sunday); absent = closed."""

    weekly: Mapping[int, tuple[LocalWindow, ...]]

    def __post_init__(self) -> None:
        for weekday in self.weekly:
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")

    @classmethod
    def same_every_day(
        cls, start: time, end: time, weekdays: range | tuple[int, ...] = range(5)
    ) -> OpeningHours:
        """The same window on each of ``weekdays`` (Monday to Friday by default)."""
        return cls({weekday: (LocalWindow(start, end),) for weekday in weekdays})

    def windows(self, weekday: int) -> tuple[LocalWindow, ...]:
        return self.weekly.get(weekday, ())


@dataclass(frozen=True, slots=True)
class SiteCalendarConfig:
    """What a site's calendar depends on.

    ``ramadan_overrides`` maps a Hijri year to the first and last local dates of Ramadan
    actually observed on the site (moon sighting, e.g. Morocco), replacing the computed
    Umm al-Qura dates. ``extra_holidays`` adds or relabels days; ``ignored_holidays``
    removes days the site works anyway. ``closed_on_public_holidays``: ``True`` the site
    closes on every public holiday, ``False`` it works them all, ``None`` it has not said
    (the calendar then shows them closed; the forecast learns from history which ones the
    site really closes, see ``relais.core.wfm.forecast.forecast_calendar``).
    """

    country: str
    time_zone: str
    opening_hours: OpeningHours
    subdivision: str | None = None
    language: str = "en"
    closed_on_public_holidays: bool | None = True
    extra_holidays: Mapping[date, str] = field(default_factory=lambda: _EMPTY_DATES)
    ignored_holidays: frozenset[date] = frozenset()
    observes_ramadan: bool = False
    ramadan_overrides: Mapping[int, tuple[date, date]] = field(default_factory=dict)
    ramadan_opening_hours: OpeningHours | None = None
    friday_prayer: LocalWindow | None = None
    closed_during_friday_prayer: bool = False


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One local date of a site: what it is and when the site is open, in UTC."""

    date: date
    holiday: str | None
    in_ramadan: bool
    utc_offset: timedelta
    open_windows: tuple[UtcWindow, ...]
    prayer_window: UtcWindow | None

    @property
    def is_holiday(self) -> bool:
        return self.holiday is not None

    @property
    def is_open(self) -> bool:
        return bool(self.open_windows)


@dataclass(frozen=True, slots=True)
class SiteCalendar:
    """A site's calendar over a range of local dates (both ends included)."""

    time_zone: str
    days: tuple[CalendarDay, ...]

    def day(self, local_date: date) -> CalendarDay:
        for calendar_day in self.days:
            if calendar_day.date == local_date:
                return calendar_day
        raise KeyError(local_date)

    @property
    def holidays(self) -> dict[date, str]:
        return {d.date: d.holiday for d in self.days if d.holiday is not None}

    @property
    def closed_dates(self) -> frozenset[date]:
        """Dates on which the site does not open at all (weekly closures and holidays)."""
        return frozenset(d.date for d in self.days if not d.open_windows)

    @property
    def ramadan_dates(self) -> tuple[date, ...]:
        return tuple(d.date for d in self.days if d.in_ramadan)

    @property
    def open_windows(self) -> tuple[UtcWindow, ...]:
        return tuple(window for d in self.days for window in d.open_windows)
