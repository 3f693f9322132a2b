"""The window of the wallboard's day chart (docs/supervision.md, "The day's chart").

Pure: from now, the viewer's time zone and the opening periods of the sites they watch,
the chart shows the day's opening hours (earliest opening to latest closing today, in the
viewer's time zone), or the last N hours. Never from the night before: a site that has not
opened yet today, or a viewer whose sites have no hours today, gets the day from local
midnight up to now.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

INTERVAL_SECONDS = 900
LAST_HOURS = (2, 4, 8, 12)
"""The choices of "last N hours" the wallboard offers."""


@dataclass(frozen=True, slots=True)
class SiteHours:
    """A site's opening periods: (weekday 0 = Monday, opens, closes) in its own time zone."""

    time_zone: str
    periods: tuple[tuple[int, dt.time, dt.time], ...]


@dataclass(frozen=True, slots=True)
class ChartWindow:
    start: float  # epoch seconds, on a 15-minute boundary
    end: float
    time_zone: str
    mode: str  # "opening" or "last"
    hours: int | None = None


def _floor(moment: float) -> float:
    return moment - moment % INTERVAL_SECONDS


def _ceil(moment: float) -> float:
    return -_floor(-moment)


def opening_span(now: float, sites: Iterable[SiteHours]) -> tuple[float, float] | None:
    """Earliest opening and latest closing today of `sites`, each in its own time zone
    (today: the site's local date at `now`); None when none of them opens today."""
    spans: list[tuple[float, float]] = []
    for site in sites:
        zone = zoneinfo.ZoneInfo(site.time_zone)
        day = dt.datetime.fromtimestamp(now, zone).date()
        for weekday, opens, closes in site.periods:
            if weekday != day.weekday():
                continue
            start = dt.datetime.combine(day, opens, zone).timestamp()
            end = dt.datetime.combine(day, closes, zone).timestamp()
            spans.append((start, end))
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def chart_window(
    now: float, time_zone: str, sites: Iterable[SiteHours], last_hours: int | None = None
) -> ChartWindow:
    """The chart's window: the last `last_hours` hours up to now, else today's opening hours
    of `sites` (cut at local midnight of `time_zone`: never the night before), else local
    midnight to now."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day = dt.datetime.fromtimestamp(now, zone).date()
    midnight = dt.datetime.combine(day, dt.time(), zone).timestamp()
    if last_hours is not None:
        if last_hours not in LAST_HOURS:
            raise ValueError(f"last_hours must be one of {LAST_HOURS}")
        start = _floor(now - last_hours * 3600)
        return ChartWindow(start, _ceil(now), time_zone, "last", last_hours)
    span = opening_span(now, sites)
    if span is None:
        return ChartWindow(midnight, _ceil(now), time_zone, "opening")
    start, end = span
    return ChartWindow(max(midnight, _floor(start)), _ceil(end), time_zone, "opening")
