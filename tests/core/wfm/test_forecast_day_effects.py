"""Month-turn effects and the weekday profile, on synthetic queues."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import date, time, timedelta

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
    WeekdayProfile,
    forecast_with,
)
from relais.core.wfm.forecast.day_effects import month_turn_ranks

PARIS = "Europe/Paris"
ZONE = zoneinfo.ZoneInfo(PARIS)
HALF_HOUR = timedelta(minutes=30)
SITE = SiteCalendarConfig(
    country="FR",
    time_zone=PARIS,
    opening_hours=OpeningHours.same_every_day(time(8), time(18)),
    closed_on_public_holidays=False,  # open every weekday: no holiday in the way
)


def _history(start: date, end: date, first_day_boost: float, seed: int = 5) -> QueueHistory:
    rng = np.random.default_rng(seed)
    observations = []
    for moment in open_interval_starts(site_calendar(SITE, start, end), HALF_HOUR):
        day = moment.astimezone(ZONE).date()
        first_open = all(day.replace(day=d).weekday() >= 5 for d in range(1, day.day))
        level = 50.0 * (first_day_boost if first_open else 1.0)
        observations.append(IntervalObservation(moment, float(rng.poisson(level))))
    return QueueHistory("billing", PARIS, HALF_HOUR, tuple(observations))


def _day_total(intervals: tuple[object, ...], day: date) -> float:
    return sum(
        i.volume  # type: ignore[attr-defined]
        for i in intervals
        if i.start.astimezone(ZONE).date() == day  # type: ignore[attr-defined]
    )


def test_ranks_count_open_days_from_each_end_of_the_month() -> None:
    days = [date(2025, 5, 1) + timedelta(days=n) for n in range(40)]
    ranks = dict(zip(days, month_turn_ranks(days, {date(2025, 6, 2)}, range(5)), strict=True))

    assert ranks[date(2025, 5, 1)] == 1  # Thursday
    assert ranks[date(2025, 5, 2)] == 2
    assert ranks[date(2025, 5, 5)] == 3  # the weekend is not counted
    assert ranks[date(2025, 5, 15)] == 0
    assert ranks[date(2025, 5, 29)] == -2
    assert ranks[date(2025, 5, 30)] == -1  # Friday; 31 May is a Saturday
    assert ranks[date(2025, 6, 2)] == 0  # closed: 3 June is the first open day
    assert ranks[date(2025, 6, 3)] == 1


def test_a_month_turn_surge_is_learnt_and_forecast() -> None:
    history = _history(date(2025, 1, 6), date(2025, 5, 23), first_day_boost=1.3)
    horizon = open_interval_starts(
        site_calendar(SITE, date(2025, 5, 26), date(2025, 6, 13)), HALF_HOUR
    )

    result = forecast_with(history, horizon, [SeasonalAverage(weeks=4, name="avg")])["avg"]
    plain = forecast_with(
        history, horizon, [SeasonalAverage(weeks=4, name="avg")], calendar_effects=False
    )["avg"]

    factors = dict(result.month_turn)
    assert 1.15 < factors[1] < 1.3
    assert all(0.95 < factors[rank] < 1.05 for rank in (-2, -1, 2, 3))
    # Monday 2 June is the first open day of June; Monday 9 June an ordinary one.
    june_2, june_9 = (_day_total(result.intervals, date(2025, 6, d)) for d in (2, 9))
    assert june_2 > 1.15 * june_9
    assert abs(_day_total(plain.intervals, date(2025, 6, 2)) / june_9 - 1.0) < 0.1
    assert plain.month_turn == ()


def test_a_queue_without_the_pattern_gets_factors_near_one() -> None:
    history = _history(date(2025, 1, 6), date(2025, 5, 23), first_day_boost=1.0)
    horizon = open_interval_starts(
        site_calendar(SITE, date(2025, 5, 26), date(2025, 5, 30)), HALF_HOUR
    )

    result = forecast_with(history, horizon, [SeasonalAverage(weeks=4, name="avg")])["avg"]

    assert all(0.96 < factor < 1.04 for _, factor in result.month_turn)


def test_the_weekday_profile_level_ignores_a_one_off_surge() -> None:
    history = _history(date(2025, 3, 3), date(2025, 5, 23), first_day_boost=1.0)
    surge = date(2025, 5, 14)  # a Wednesday with three times the calls (an outage)
    boosted = tuple(
        replace(o, volume=3 * o.volume) if o.start.astimezone(ZONE).date() == surge else o
        for o in history.observations
    )
    horizon = open_interval_starts(
        site_calendar(SITE, date(2025, 5, 26), date(2025, 5, 30)), HALF_HOUR
    )
    methods = [WeekdayProfile(name="profile"), SeasonalAverage(weeks=4, name="avg")]

    forecasts = forecast_with(
        replace(history, observations=boosted), horizon, methods, calendar_effects=False
    )

    wednesday = date(2025, 5, 28)
    assert abs(_day_total(forecasts["profile"].intervals, wednesday) / (20 * 50.0) - 1) < 0.05
    assert _day_total(forecasts["avg"].intervals, wednesday) > 1.4 * 20 * 50.0
    shares = [i.volume for i in forecasts["profile"].intervals[:20]]
    assert max(shares) / min(shares) < 1.3  # the profile of a flat day is flat
