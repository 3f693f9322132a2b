"""Forecasting on synthetic queues: grid, baselines, backtest choice, holidays, AHT."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from relais.core.wfm.calendars import (
    OpeningHours,
    SiteCalendarConfig,
    open_interval_starts,
    site_calendar,
)
from relais.core.wfm.forecast import (
    BacktestSettings,
    IntervalObservation,
    QueueHistory,
    SeasonalAverage,
    SeasonalNaive,
    build_grid,
    forecast_queue,
    forecast_with,
    mase,
    prepare,
    wape,
)

PARIS = "Europe/Paris"
HALF_HOUR = timedelta(minutes=30)
SITE = SiteCalendarConfig(
    country="FR",
    time_zone=PARIS,
    opening_hours=OpeningHours.same_every_day(time(8), time(18)),
)
CHEAP = (
    SeasonalNaive(),
    SeasonalAverage(weeks=4, name="seasonal_average_4w"),
    SeasonalAverage(weeks=8, name="seasonal_average_8w"),
)
WEEKDAY_LEVEL = (1.3, 1.0, 0.95, 0.95, 1.05)


def _expected(moment: datetime) -> float:
    local = moment.astimezone(zoneinfo.ZoneInfo(PARIS))
    hour = local.hour + local.minute / 60
    shape = 1.0 + 0.8 * np.sin((hour - 8) / 10 * np.pi)
    return float(40.0 * WEEKDAY_LEVEL[local.weekday()] * shape)


def _history(
    start: date,
    end: date,
    *,
    seed: int = 7,
    after_holiday: float = 1.0,
    drop: frozenset[date] = frozenset(),
) -> tuple[QueueHistory, frozenset[date]]:
    """Poisson calls on a Paris site open 08:00-18:00 on weekdays, French holidays closed."""
    rng = np.random.default_rng(seed)
    calendar = site_calendar(SITE, start, end)
    closed = calendar.closed_dates
    observations = []
    for start_utc in open_interval_starts(calendar, HALF_HOUR):
        local_date = start_utc.astimezone(zoneinfo.ZoneInfo(PARIS)).date()
        if local_date in drop:
            continue
        previous = local_date - timedelta(days=1)
        boost = after_holiday if previous in calendar.holidays else 1.0
        volume = float(rng.poisson(_expected(start_utc) * boost))
        aht = 240.0 + 60.0 * (local_date.weekday() == 0) + rng.normal(0, 10)
        observations.append(IntervalObservation(start_utc, volume, aht))
    return QueueHistory("billing", PARIS, HALF_HOUR, tuple(observations)), closed


def _horizon(start: date, end: date) -> list[datetime]:
    return open_interval_starts(site_calendar(SITE, start, end), HALF_HOUR)


def test_wape_and_mase_by_hand() -> None:
    actual = np.array([[10.0, 20.0], [30.0, 40.0]])
    forecast = np.array([[12.0, 18.0], [30.0, 50.0]])

    assert wape(forecast, actual) == pytest.approx(14 / 100)
    assert mase(forecast, actual, scale=2.0) == pytest.approx(3.5 / 2.0)


def test_grid_has_open_days_only_and_keeps_local_slots_across_dst() -> None:
    # 30 March 2025: Paris moves to summer time; the site still opens 08:00 local.
    history, closed = _history(date(2025, 3, 3), date(2025, 4, 11))

    grid = build_grid(history, _horizon(date(2025, 4, 14), date(2025, 4, 18)), closed)

    assert grid.period == 5
    assert grid.slots == 20
    assert grid.slot_minutes[0] == 8 * 60
    assert grid.history_days == 30
    assert len(grid.days) == 35
    assert not np.isnan(grid.volume).any()


def test_holidays_and_gaps_are_imputed_from_neighbouring_weeks() -> None:
    # Easter Monday 21 April 2025 is a holiday; 23 April's data went missing.
    history, closed = _history(
        date(2025, 3, 31), date(2025, 5, 2), drop=frozenset({date(2025, 4, 23)})
    )

    grid = build_grid(history, _horizon(date(2025, 5, 5), date(2025, 5, 9)), closed)
    prepared = prepare(grid, grid.history_days)

    easter_monday = grid.days.index(date(2025, 4, 21))
    missing = grid.days.index(date(2025, 4, 23))
    assert grid.closed[easter_monday]
    assert not prepared.observed[easter_monday].any()
    assert not prepared.observed[missing].any()
    np.testing.assert_array_equal(
        prepared.values[easter_monday], prepared.values[easter_monday - 5]
    )
    np.testing.assert_array_equal(prepared.values[missing], prepared.values[missing - 5])


def test_surge_after_holidays_is_learnt_and_applied() -> None:
    # Easter Monday, 1 May, 8 May, Ascension (29 May), Whit Monday (9 June) 2025.
    history, closed = _history(date(2025, 3, 3), date(2025, 6, 27), after_holiday=1.5)
    horizon = _horizon(date(2025, 7, 7), date(2025, 7, 18))  # 14 July is a holiday

    forecasts = forecast_with(
        history, horizon, CHEAP[1:2], closed_dates=closed | {date(2025, 7, 14)}
    )

    result = forecasts["seasonal_average_4w"]
    assert 1.25 < result.holiday_uplift < 1.5
    by_day: dict[date, float] = {}
    for interval in result.intervals:
        local = interval.start.astimezone(zoneinfo.ZoneInfo(PARIS)).date()
        by_day[local] = by_day.get(local, 0.0) + interval.volume
    assert date(2025, 7, 14) not in by_day
    assert by_day[date(2025, 7, 15)] > 1.2 * by_day[date(2025, 7, 8)]


def test_backtest_picks_the_most_accurate_candidate_and_beats_the_baseline() -> None:
    history, closed = _history(date(2025, 1, 6), date(2025, 4, 25))
    horizon = _horizon(date(2025, 4, 28), date(2025, 5, 9))

    result = forecast_queue(history, horizon, closed_dates=closed, methods=CHEAP)

    assert result.method == result.scores[0].method
    assert result.method != "seasonal_naive"
    assert result.score(result.method).wape < result.score("seasonal_naive").wape
    assert result.score(result.method).mase < 1.0
    assert all(score.origins == 3 for score in result.scores)
    assert len(result.intervals) == len(horizon) == 8 * 20  # 1 and 8 May are holidays
    assert [i.start for i in result.intervals] == horizon


def test_forecast_is_deterministic_and_tracks_the_truth() -> None:
    history, closed = _history(date(2025, 1, 6), date(2025, 4, 25))
    horizon = _horizon(date(2025, 4, 28), date(2025, 5, 2))

    first = forecast_queue(history, horizon, closed_dates=closed, methods=CHEAP)
    second = forecast_queue(history, horizon, closed_dates=closed, methods=CHEAP)

    assert first == second
    truth = np.array([_expected(i.start) for i in first.intervals])
    predicted = np.array([i.volume for i in first.intervals])
    assert np.abs(predicted - truth).sum() / truth.sum() < 0.08


def test_aht_follows_the_weekday_pattern() -> None:
    history, closed = _history(date(2025, 1, 6), date(2025, 4, 25))
    horizon = _horizon(date(2025, 4, 28), date(2025, 5, 2))

    result = forecast_queue(history, horizon, closed_dates=closed, methods=CHEAP[:1])

    monday = [i.aht_seconds for i in result.intervals[:20]]
    tuesday = [i.aht_seconds for i in result.intervals[20:40]]
    assert all(a is not None and 290 < a < 310 for a in monday)
    assert all(a is not None and 230 < a < 250 for a in tuesday)
    assert result.aht_wape is not None
    assert result.aht_wape < 0.05


def test_statsforecast_candidates_run_on_a_short_history() -> None:
    from relais.core.wfm.forecast import DailyLevelProfile, Ensemble, SeriesModel

    history, closed = _history(date(2025, 2, 3), date(2025, 4, 25))
    horizon = _horizon(date(2025, 4, 28), date(2025, 5, 2))
    methods = (
        SeasonalNaive(),
        DailyLevelProfile("AutoETS", 4, name="daily_ets"),
        SeriesModel("MSTLFast", weeks=6, name="mstl"),
        Ensemble(("daily_ets", "mstl"), name="ensemble"),
    )

    result = forecast_queue(
        history, horizon, closed_dates=closed, methods=methods, settings=BacktestSettings(origins=1)
    )

    assert {score.method for score in result.scores} == {m.name for m in methods}
    assert result.score("ensemble").wape < result.score("seasonal_naive").wape
    assert all(i.volume >= 0 for i in result.intervals)


def test_not_enough_history_leaves_slow_methods_out() -> None:
    history, closed = _history(date(2025, 4, 7), date(2025, 4, 25))
    horizon = _horizon(date(2025, 4, 28), date(2025, 4, 30))

    result = forecast_queue(
        history, horizon, closed_dates=closed, methods=CHEAP, settings=BacktestSettings(origins=1)
    )

    assert result.method in {"seasonal_naive", "seasonal_average_4w", "seasonal_average_8w"}


def test_bad_inputs_are_refused() -> None:
    history, _ = _history(date(2025, 4, 7), date(2025, 4, 25))

    with pytest.raises(ValueError, match="after the history"):
        forecast_queue(history, _horizon(date(2025, 4, 25), date(2025, 4, 28)), methods=CHEAP)
    with pytest.raises(ValueError, match="aware"):
        forecast_queue(history, [datetime(2025, 5, 5, 8)], methods=CHEAP)
    with pytest.raises(ValueError, match="does not start"):
        forecast_queue(history, [datetime(2025, 5, 5, 8, 10, tzinfo=UTC)], methods=CHEAP)
    with pytest.raises(ValueError, match="no observations"):
        forecast_queue(
            QueueHistory("q", PARIS, HALF_HOUR, ()), [datetime(2025, 5, 5, 8, tzinfo=UTC)]
        )
    with pytest.raises(ValueError, match="at least one origin"):
        BacktestSettings(origins=0)
