"""A site's calendar in its own time zone: holidays, Ramadan, prayer, opening in UTC."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from relais.core.wfm.calendars.model import (
    CalendarDay,
    LocalWindow,
    SiteCalendar,
    SiteCalendarConfig,
    UtcWindow,
)
from relais.core.wfm.calendars.public_holidays import public_holidays
from relais.core.wfm.calendars.ramadan import ramadan_periods

__all__ = ["local_window_to_utc", "open_interval_starts", "site_calendar"]

_FRIDAY = 4
_NOON = time(12)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _to_utc(local_date: date, clock: time, zone: zoneinfo.ZoneInfo) -> datetime:
    # A clock time skipped by a daylight-saving jump is read with the offset in force
    # before the jump (02:30 on a spring-forward night becomes 03:30 summer time); an
    # ambiguous one (autumn) is its first occurrence.
    return datetime.combine(local_date, clock, tzinfo=zone).astimezone(UTC)


def local_window_to_utc(local_date: date, window: LocalWindow, zone_name: str) -> UtcWindow:
    """The window opening on ``local_date`` in ``zone_name``, as aware UTC datetimes."""
    zone = _zone(zone_name)
    end_date = local_date + timedelta(days=1) if window.spans_midnight() else local_date
    return UtcWindow(_to_utc(local_date, window.start, zone), _to_utc(end_date, window.end, zone))


def _subtract(windows: list[UtcWindow], gap: UtcWindow) -> list[UtcWindow]:
    kept: list[UtcWindow] = []
    for window in windows:
        if gap.end <= window.start or gap.start >= window.end:
            kept.append(window)
            continue
        if window.start < gap.start:
            kept.append(UtcWindow(window.start, gap.start))
        if gap.end < window.end:
            kept.append(UtcWindow(gap.end, window.end))
    return kept


def _dates(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def site_calendar(config: SiteCalendarConfig, start: date, end: date) -> SiteCalendar:
    """The calendar of a site for the local dates ``start`` … ``end`` (both included).

    Each day says whether it is a public holiday (with its label in ``config.language``),
    whether it falls in Ramadan, the site's UTC offset at local noon, its opening windows
    in UTC (none on a holiday when the site closes on holidays; Ramadan hours during
    Ramadan when given; minus the Friday prayer window when the site closes for it) and
    the Friday prayer window in UTC.
    """
    if end < start:
        raise ValueError("the calendar's end date is before its start date")
    zone = _zone(config.time_zone)
    labels = dict(
        public_holidays(
            config.country,
            range(start.year, end.year + 1),
            subdivision=config.subdivision,
            language=config.language,
        )
    )
    for ignored in config.ignored_holidays:
        labels.pop(ignored, None)
    labels.update(config.extra_holidays)
    ramadan = (
        ramadan_periods(start, end, config.ramadan_overrides) if config.observes_ramadan else []
    )

    days: list[CalendarDay] = []
    for local_date in _dates(start, end):
        holiday = labels.get(local_date)
        in_ramadan = any(first <= local_date <= last for first, last in ramadan)
        hours = config.opening_hours
        if in_ramadan and config.ramadan_opening_hours is not None:
            hours = config.ramadan_opening_hours
        windows: list[UtcWindow] = []
        if holiday is None or config.closed_on_public_holidays is False:
            windows = [
                local_window_to_utc(local_date, window, config.time_zone)
                for window in hours.windows(local_date.weekday())
            ]
        prayer = None
        if config.friday_prayer is not None and local_date.weekday() == _FRIDAY:
            prayer = local_window_to_utc(local_date, config.friday_prayer, config.time_zone)
            if config.closed_during_friday_prayer:
                windows = _subtract(windows, prayer)
        offset = datetime.combine(local_date, _NOON, tzinfo=zone).utcoffset() or timedelta()
        days.append(
            CalendarDay(
                date=local_date,
                holiday=holiday,
                in_ramadan=in_ramadan,
                utc_offset=offset,
                open_windows=tuple(w for w in windows if w.end > w.start),
                prayer_window=prayer,
            )
        )
    return SiteCalendar(time_zone=config.time_zone, days=tuple(days))


def open_interval_starts(calendar: SiteCalendar, interval: timedelta) -> list[datetime]:
    """UTC starts of every ``interval`` that lies wholly inside an opening window.

    Intervals are counted from each window's start, so a site opening at 07:00 local
    time gets 07:00, 07:15, … whatever the UTC offset of the day.
    """
    if interval <= timedelta():
        raise ValueError("the interval must be positive")
    starts: list[datetime] = []
    for window in calendar.open_windows:
        moment = window.start
        while moment + interval <= window.end:
            starts.append(moment)
            moment += interval
    return starts
