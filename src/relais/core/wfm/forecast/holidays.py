"""Which public holidays a queue is closed on: what the site declares, else what history shows.

A country's public holiday is not a closed day by itself: many contact centres work some
of them. A holiday is forecast as closed only when the site's calendar says it closes
(``SiteCalendarConfig.closed_on_public_holidays`` is ``True``, or the day is one of the
site's own ``extra_holidays``) or when the history shows the site closed on it (near-zero
volume on the latest past occurrence of the same holiday). Otherwise it is forecast like a
normal day of its weekday.
"""

from __future__ import annotations

import re
import statistics
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from relais.core.wfm.calendars import SiteCalendar, SiteCalendarConfig, site_calendar
from relais.core.wfm.forecast.model import QueueHistory

__all__ = [
    "CLOSED_SHARE",
    "HolidayClosure",
    "forecast_calendar",
    "holiday_closures",
]

#: A day whose volume is below this share of its weekday's usual volume was a closed day.
CLOSED_SHARE = 0.1
_NEIGHBOUR_WEEKS = (-2, -1, 1, 2)
_QUALIFIER = re.compile(r"\s*\([^)]*\)")

DECLARED = "declared"
SEEN_CLOSED = "seen_closed"
_Date = date
SEEN_OPEN = "seen_open"
NEVER_SEEN = "never_seen"


@dataclass(frozen=True, slots=True)
class HolidayClosure:
    """A holiday and whether the forecast treats it as closed, and why.

    ``reason`` is ``"declared"`` (the site's calendar closes it), ``"seen_closed"`` /
    ``"seen_open"`` (the holiday itself, or its latest past occurrence, in the history),
    or ``"never_seen"`` (no evidence: forecast like a normal day). ``seen_on`` is the
    past date the evidence comes from.
    """

    date: date
    label: str
    closed: bool
    reason: str
    seen_on: _Date | None = None


def _key(label: str) -> str:
    """ "Independence Day (observed)" and "Independence Day" are the same holiday."""
    return _QUALIFIER.sub("", label).strip().casefold()


def _day_totals(history: QueueHistory) -> dict[date, float]:
    zone = zoneinfo.ZoneInfo(history.time_zone)
    totals: dict[date, float] = defaultdict(float)
    for observation in history.observations:
        totals[observation.start.astimezone(zone).date()] += observation.volume
    return dict(totals)


def _was_closed(day: date, totals: Mapping[date, float], holidays: Collection[date]) -> bool | None:
    """Whether the history shows the site closed on ``day``; ``None`` without evidence.

    A day inside the history with no observation at all counts as a closed day (the site
    recorded nothing); it is compared with the same weekday one and two weeks around it.
    """
    neighbours = [
        totals[other]
        for weeks in _NEIGHBOUR_WEEKS
        if (other := day + timedelta(weeks=weeks)) in totals and other not in holidays
    ]
    usual = statistics.median(neighbours) if neighbours else 0.0
    if usual <= 0.0:
        return None
    return totals.get(day, 0.0) < CLOSED_SHARE * usual


def holiday_closures(
    history: QueueHistory,
    holidays: Mapping[date, str],
    *,
    declared_closed: Collection[date] = (),
) -> tuple[HolidayClosure, ...]:
    """Decide, for each of ``holidays`` (local date -> label), whether the queue is closed.

    ``declared_closed`` are the holidays the site's calendar closes. A holiday inside the
    history is judged on its own volume; one after it (the horizon) on the latest earlier
    occurrence of the same holiday (same label, qualifiers such as "(observed)" ignored)
    that the history shows. Weekdays the queue never opens give no evidence.
    """
    totals = _day_totals(history)
    if not totals:
        raise ValueError("the history has no observations")
    first, last = min(totals), max(totals)
    open_weekdays = {day.weekday() for day in totals}
    seen: dict[date, bool] = {}
    for day in holidays:
        if first <= day <= last and day.weekday() in open_weekdays:
            verdict = _was_closed(day, totals, holidays)
            if verdict is not None:
                seen[day] = verdict
    declared = set(declared_closed)
    decisions = []
    for day, label in sorted(holidays.items()):
        if day in declared:
            decisions.append(HolidayClosure(day, label, closed=True, reason=DECLARED))
            continue
        evidence = sorted(
            past for past in seen if past <= day and _key(holidays[past]) == _key(label)
        )
        if not evidence:
            decisions.append(HolidayClosure(day, label, closed=False, reason=NEVER_SEEN))
            continue
        latest = evidence[-1]
        closed = seen[latest]
        reason = SEEN_CLOSED if closed else SEEN_OPEN
        decisions.append(HolidayClosure(day, label, closed, reason, seen_on=latest))
    return tuple(decisions)


def forecast_calendar(
    config: SiteCalendarConfig, start: date, end: date, history: QueueHistory
) -> tuple[SiteCalendar, tuple[HolidayClosure, ...]]:
    """The site's calendar as the forecast sees it, and the decision on each holiday.

    Holidays the site declares closed (``closed_on_public_holidays=True``, or its own
    ``extra_holidays``) stay closed; ``closed_on_public_holidays=None`` leaves the country's
    holidays to the history; ``False`` opens them all. A holiday forecast open keeps its
    weekday's opening hours, so its intervals are in ``open_interval_starts``.
    """
    labelled = site_calendar(replace(config, closed_on_public_holidays=False), start, end)
    holidays = labelled.holidays
    policy = config.closed_on_public_holidays
    if policy is True:
        declared = set(holidays)
    elif policy is None:
        declared = {day for day in config.extra_holidays if start <= day <= end}
    else:
        declared = set()
    if policy is False:
        closures = tuple(
            HolidayClosure(day, label, closed=False, reason=DECLARED)
            for day, label in sorted(holidays.items())
        )
    else:
        closures = holiday_closures(history, holidays, declared_closed=declared)
    worked = frozenset(c.date for c in closures if not c.closed)
    calendar = site_calendar(
        replace(
            config,
            closed_on_public_holidays=True,
            ignored_holidays=config.ignored_holidays | worked,
        ),
        start,
        end,
    )
    return calendar, closures
