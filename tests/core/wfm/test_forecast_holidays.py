"""Holidays learned from history, and days missing from the history, in the forecast."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np

from relais.core.wfm.calendars import (
    OpeningHours,
    SiteCalendarConfig,
    open_interval_starts,
    site_calendar,
)
from relais.core.wfm.forecast import (
    IntervalObservation,
    QueueHistory,
    SeasonalAverage,
    SeasonalNaive,
    build_grid,
    forecast_calendar,
    forecast_queue,
    forecast_with,
    holiday_closures,
)

PARIS = "Europe/Paris"
ZONE = zoneinfo.ZoneInfo(PARIS)
HALF_HOUR = timedelta(minutes=30)
# The site has not said which public holidays it closes on: history tells.
SITE = SiteCalendarConfig(
    country="FR",
    time_zone=PARIS,
    opening_hours=OpeningHours.same_every_day(time(8), time(18)),
    closed_on_public_holidays=None,
)
WEEKDAY_LEVEL = (1.3, 1.0, 0.95, 0.95, 1.05)
CHEAP = (SeasonalNaive(), SeasonalAverage(weeks=4, name="seasonal_average_4w"))


def _expected(moment: datetime) -> float:
    local = moment.astimezone(ZONE)
    hour = local.hour + local.minute / 60
    return float(
        40.0 * WEEKDAY_LEVEL[local.weekday()] * (1.0 + 0.8 * np.sin((hour - 8) / 10 * np.pi))
    )


def _history(
    start: date,
    end: date,
    *,
    closed: frozenset[date] = frozenset(),
    quiet: frozenset[date] = frozenset(),
    missing: frozenset[date] = frozenset(),
    seed: int = 3,
) -> QueueHistory:
    """Poisson calls every weekday 08:00-18:00, holidays included unless ``closed``.

    ``quiet`` days get 2 % of the usual calls (a skeleton crew answering a few);
    ``missing`` days are simply not in the file.
    """
    rng = np.random.default_rng(seed)
    every_weekday = replace(SITE, closed_on_public_holidays=False)
    observations = []
    for moment in open_interval_starts(site_calendar(every_weekday, start, end), HALF_HOUR):
        day = moment.astimezone(ZONE).date()
        if day in closed or day in missing:
            continue
        share = 0.02 if day in quiet else 1.0
        observations.append(
            IntervalObservation(moment, float(rng.poisson(_expected(moment) * share)))
        )
    return QueueHistory("billing", PARIS, HALF_HOUR, tuple(observations))


def _by_day(intervals: tuple[object, ...]) -> dict[date, float]:
    totals: dict[date, float] = {}
    for interval in intervals:
        day = interval.start.astimezone(ZONE).date()  # type: ignore[attr-defined]
        totals[day] = totals.get(day, 0.0) + interval.volume  # type: ignore[attr-defined]
    return totals


# French holidays: 1 May 2024 (Wed) and 2025 (Thu); 8 May 2024 (Wed) and 2025 (Thu);
# Ascension 9 May 2024 (Thu) and 29 May 2025 (Thu); 14 July 2024 was a Sunday.
MAY_2024 = {date(2024, 5, 1): "Fête du Travail", date(2024, 5, 8): "Fête de la Victoire"}
ASCENSION_2024 = date(2024, 5, 9)


def test_a_holiday_is_decided_by_its_last_occurrence_in_history() -> None:
    history = _history(
        date(2024, 4, 1),
        date(2025, 4, 25),
        closed=frozenset({date(2024, 5, 8), ASCENSION_2024}),
        quiet=frozenset({date(2024, 5, 20)}),  # Whit Monday: a few calls only
    )
    holidays = {
        **MAY_2024,
        ASCENSION_2024: "Ascension",
        date(2024, 5, 20): "Lundi de Pentecôte",
        date(2025, 5, 1): "Fête du Travail",
        date(2025, 5, 8): "Fête de la Victoire",
        date(2025, 5, 29): "Ascension",
        date(2025, 6, 9): "Lundi de Pentecôte",
        date(2025, 7, 14): "Fête nationale",
    }

    decided = {c.date: c for c in holiday_closures(history, holidays)}

    assert (decided[date(2024, 5, 1)].closed, decided[date(2024, 5, 1)].reason) == (
        False,
        "seen_open",
    )
    assert decided[date(2025, 5, 1)].closed is False
    assert decided[date(2025, 5, 1)].seen_on == date(2024, 5, 1)
    assert decided[date(2025, 5, 8)].closed is True
    assert decided[date(2025, 5, 8)].reason == "seen_closed"
    assert decided[date(2025, 5, 29)].seen_on == ASCENSION_2024
    assert decided[date(2025, 5, 29)].closed is True
    assert decided[date(2025, 6, 9)].closed is True  # near-zero volume is a closed day
    never = decided[date(2025, 7, 14)]  # 14 July 2024 fell on a Sunday: no evidence
    assert (never.closed, never.reason, never.seen_on) == (False, "never_seen", None)


def test_the_site_calendar_overrides_history_when_it_says_it_closes() -> None:
    history = _history(date(2024, 4, 1), date(2024, 6, 28))

    decided = holiday_closures(history, MAY_2024, declared_closed={date(2024, 5, 1)})

    assert [(c.date, c.closed, c.reason) for c in decided] == [
        (date(2024, 5, 1), True, "declared"),
        (date(2024, 5, 8), False, "seen_open"),
    ]


def test_a_holiday_the_site_was_open_on_is_forecast_like_its_weekday() -> None:
    history = _history(date(2024, 4, 1), date(2025, 4, 25), closed=frozenset({date(2024, 5, 8)}))
    calendar, closures = forecast_calendar(SITE, date(2024, 4, 1), date(2025, 5, 9), history)
    horizon = [
        s
        for s in open_interval_starts(calendar, HALF_HOUR)
        if s.astimezone(ZONE).date() > date(2025, 4, 25)
    ]

    result = forecast_queue(history, horizon, closed_dates=calendar.closed_dates, methods=CHEAP)

    by_day = _by_day(result.intervals)
    reasons = {c.date: c.reason for c in closures}
    assert reasons[date(2025, 5, 1)] == "seen_open"
    assert reasons[date(2025, 5, 8)] == "seen_closed"
    assert date(2025, 5, 8) not in by_day
    # 1 May 2025 is a Thursday like 24 April: about the same calls, not zero.
    assert abs(by_day[date(2025, 5, 1)] / by_day[date(2025, 4, 30)] - 1.0) < 0.15
    # The worked holiday of 2024 is an ordinary observed day in the grid, not a hole.
    grid = build_grid(history, horizon, calendar.closed_dates)
    assert not grid.closed[grid.days.index(date(2024, 5, 1))]
    assert grid.closed[grid.days.index(date(2024, 5, 8))]


def test_a_holiday_without_history_is_open_unless_the_calendar_closes_it() -> None:
    history = _history(date(2025, 1, 6), date(2025, 4, 25))  # no May in the history
    start, end = date(2025, 1, 6), date(2025, 5, 9)

    learned, closures = forecast_calendar(SITE, start, end, history)
    declared, _ = forecast_calendar(
        replace(SITE, closed_on_public_holidays=True), start, end, history
    )
    site_bridge, bridge_closures = forecast_calendar(
        replace(SITE, extra_holidays={date(2025, 5, 2): "Pont"}), start, end, history
    )

    assert {c.date: c.reason for c in closures}[date(2025, 5, 1)] == "never_seen"
    assert date(2025, 5, 1) not in learned.closed_dates
    assert learned.day(date(2025, 5, 1)).is_open
    assert {date(2025, 5, 1), date(2025, 5, 8)} <= declared.closed_dates
    assert date(2025, 5, 2) in site_bridge.closed_dates  # the site's own closure
    assert date(2025, 5, 1) not in site_bridge.closed_dates
    assert {c.date: c.reason for c in bridge_closures}[date(2025, 5, 2)] == "declared"


def test_a_holiday_the_history_shows_closed_stays_closed_with_its_catch_up() -> None:
    # Easter Monday 2025 (21 April) closed in history: the grid keeps it as a hole.
    history = _history(date(2025, 1, 6), date(2025, 5, 2), closed=frozenset({date(2025, 4, 21)}))
    calendar, closures = forecast_calendar(SITE, date(2025, 1, 6), date(2025, 5, 9), history)

    assert {c.date: c.reason for c in closures}[date(2025, 4, 21)] == "seen_closed"
    assert date(2025, 4, 21) in calendar.closed_dates
    assert date(2025, 5, 1) not in calendar.closed_dates  # 1 May 2025 is in the history, open


def test_days_missing_from_the_history_never_shift_the_weekly_pattern() -> None:
    start, end = date(2025, 1, 6), date(2025, 4, 4)
    full = _history(start, end)
    # A Wednesday, a Monday and the last Friday went missing from the file.
    gaps = frozenset({date(2025, 3, 12), date(2025, 3, 24), date(2025, 4, 4)})
    holed = _history(start, end, missing=gaps)
    horizon = open_interval_starts(
        site_calendar(SITE, date(2025, 4, 7), date(2025, 4, 18)), HALF_HOUR
    )

    grid = build_grid(holed, horizon, ())
    methods = (*CHEAP, SeasonalAverage(weeks=2, name="weekday_mean_2w"))
    with_gaps = forecast_with(holed, horizon, methods)
    complete = forecast_with(full, horizon, methods)

    assert all(day.weekday() == row % grid.period for row, day in enumerate(grid.days))
    for name in ("seasonal_naive", "weekday_mean_2w", "seasonal_average_4w"):
        by_day = _by_day(with_gaps[name].intervals)
        reference = _by_day(complete[name].intervals)
        mondays = [by_day[date(2025, 4, 7)], by_day[date(2025, 4, 14)]]
        others = [v for d, v in by_day.items() if d.weekday() != 0]
        assert min(mondays) > 1.15 * max(others), name  # Monday stays the busiest day
        for day, volume in by_day.items():
            assert abs(volume / reference[day] - 1.0) < 0.12, (name, day)
