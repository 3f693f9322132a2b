"""Forecast accuracy on real bank calls: Relais' choice vs the seasonal naive and statsforecast.

`uv run python -m bench.forecast [--data PATH] [--test-days N]`: fit on every day before the
last N days of the file, forecast those N days in one go, report WAPE over all their
intervals (see ../shared/BENCHMARKS.md). Relais chooses its method by a rolling-origin
backtest on the training days only.
"""

from __future__ import annotations

import argparse
import sys
import zoneinfo
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bench import SHARED_DATA, emit, require_data, row, stopwatch
from relais.core.importing import (
    DEFAULT_TOLERANCE,
    CsvRecord,
    MalformedInput,
    UnreadableInput,
    tolerant_csv,
)
from relais.core.wfm.calendars import (
    OpeningHours,
    SiteCalendarConfig,
    open_interval_starts,
)
from relais.core.wfm.forecast import (
    IntervalObservation,
    QueueForecast,
    QueueHistory,
    SeasonalAverage,
    SeasonalNaive,
    SeriesModel,
    default_methods,
    forecast_calendar,
    forecast_queue,
    forecast_with,
    holiday_closures,
)

ZONE = "America/New_York"
STATSFORECAST_MODELS = ("SeasonalNaive", "SeasonalWindowAverage", "MSTL")


def _read(path: Path, tolerance: float = DEFAULT_TOLERANCE) -> list[IntervalObservation]:
    """The file's 5-minute counts; malformed lines are skipped and said on stderr below the
    tolerance, and stop the benchmark with one line above it (relais.core.importing)."""
    zone = zoneinfo.ZoneInfo(ZONE)

    def observation(record: CsvRecord) -> IntervalObservation:
        start = datetime.fromisoformat(record["datetime_local"].strip()).replace(tzinfo=zone)
        calls = float(record["calls"])
        if not calls >= 0:
            raise ValueError(f"calls {record['calls']!r} is not a count")
        return IntervalObservation(start=start.astimezone(UTC), volume=calls)

    try:
        observations, report = tolerant_csv(
            path.read_bytes(),
            observation,
            source=path.name,
            required=("datetime_local", "calls"),
            tolerance=tolerance,
            delimiters=",",
        )
    except (OSError, MalformedInput, UnreadableInput) as refused:
        raise SystemExit(f"error: {refused}") from None
    if report.skipped:
        print(report.summary(), file=sys.stderr)
    return observations


def _local_date(moment: datetime) -> date:
    return moment.astimezone(zoneinfo.ZoneInfo(ZONE)).date()


def _bucket(moment: datetime, width: timedelta) -> datetime:
    return moment - (moment - datetime(2000, 1, 1, tzinfo=UTC)) % width


def _wape(
    forecast: QueueForecast, actual: dict[datetime, float], width: timedelta = timedelta(minutes=5)
) -> float:
    """WAPE over the intervals of ``actual``, summed into buckets of ``width`` first."""
    predicted: dict[datetime, float] = {}
    observed: dict[datetime, float] = {}
    for start, volume in actual.items():
        observed[_bucket(start, width)] = observed.get(_bucket(start, width), 0.0) + volume
    known = {interval.start: interval.volume for interval in forecast.intervals}
    for start in actual:
        key = _bucket(start, width)
        predicted[key] = predicted.get(key, 0.0) + known.get(start, 0.0)
    error = sum(abs(predicted[key] - volume) for key, volume in observed.items())
    return error / sum(observed.values())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(SHARED_DATA / "bank_calls_5min_train.csv"))
    parser.add_argument("--test-days", type=int, default=20)
    args = parser.parse_args(argv)
    path = require_data(args.data)
    interval = timedelta(minutes=5)

    with stopwatch() as elapsed:
        observations = _read(path)
        days = sorted({_local_date(o.start) for o in observations})
        if len(days) <= args.test_days + 15:
            raise SystemExit(f"{path} has {len(days)} days: too few for {args.test_days} test days")
        first_test = days[-args.test_days]
        train = [o for o in observations if _local_date(o.start) < first_test]
        actual = {o.start: o.volume for o in observations if _local_date(o.start) >= first_test}
        # The planner knows the site's calendar: weekdays 07:00–21:05 (169 five-minute
        # intervals), closed on US federal holidays (the site says so: closures declared).
        site = SiteCalendarConfig(
            country="US",
            time_zone=ZONE,
            opening_hours=OpeningHours.same_every_day(time(7), time(21, 5)),
            closed_on_public_holidays=True,
        )
        history = QueueHistory("bank", ZONE, interval, tuple(train))
        calendar, closures = forecast_calendar(site, days[0], days[-1], history)
        horizon = [
            s for s in open_interval_starts(calendar, interval) if _local_date(s) >= first_test
        ]
        closed = calendar.closed_dates
        print(f"{len(days)} days in {path.name}; train before {first_test}; ")
        print(f"test {args.test_days} days = {len(actual)} intervals; horizon {len(horizon)}")
        learned = holiday_closures(history, {c.date: c.label for c in closures})
        for declared, alone in zip(closures, learned, strict=True):
            print(
                f"holiday {declared.date} {declared.label}: closed={declared.closed}"
                f" ({declared.reason}; history alone: {alone.reason})"
            )

        with stopwatch() as relais_seconds:
            relais = forecast_queue(history, horizon, closed_dates=closed)
        print(f"\nRelais backtest on the training days ({relais_seconds[0]:.1f} s)")
        row("method", "wape", "mase", "origins", widths=(26, 10, 10, 8))
        for score in relais.scores:
            row(score.method, score.wape, score.mase, score.origins, widths=(26, 10, 10, 8))

        with stopwatch() as candidates_seconds:
            candidates = forecast_with(history, horizon, default_methods(), closed_dates=closed)
        print(f"\nTest WAPE over the last {args.test_days} days ({candidates_seconds[0]:.1f} s)")
        row("method", "test wape", widths=(40, 10))
        for name, result in candidates.items():
            marker = "  <- Relais' choice" if name == relais.method else ""
            row(f"relais {name}{marker}", _wape(result, actual), widths=(40, 10))

        peers: dict[str, float] = {}
        peer_forecasts: dict[str, QueueForecast] = {}
        for model in STATSFORECAST_MODELS:
            with stopwatch() as model_seconds:
                raw = forecast_with(
                    history,
                    horizon,
                    [SeriesModel(model, weeks=10_000, name=model)],
                    closed_dates=closed,
                    calendar_effects=False,
                )
            peers[model] = _wape(raw[model], actual)
            peer_forecasts[model] = raw[model]
            row(f"statsforecast {model} ({model_seconds[0]:.1f} s)", peers[model], widths=(40, 10))
        naive = forecast_with(
            history, horizon, [SeasonalNaive()], closed_dates=closed, calendar_effects=False
        )
        wape_naive = _wape(naive["seasonal_naive"], actual)
        row("seasonal naive (no holiday effect)", wape_naive, widths=(40, 10))
        # Same weekday and time, mean of the last two weeks of training days: on the
        # open-day grid, whose rows are calendar dates, so a missing day shifts nothing.
        weekday_mean = forecast_with(
            history,
            horizon,
            [SeasonalAverage(weeks=2, name="weekday_mean_2w")],
            closed_dates=closed,
            calendar_effects=False,
        )
        wape_weekday_mean = _wape(weekday_mean["weekday_mean_2w"], actual)
        row("same-weekday mean of the last 2 weeks", wape_weekday_mean, widths=(40, 10))
        wape_relais = _wape(relais, actual)
        chosen = [m for m in default_methods() if m.name == relais.method]
        members = getattr(chosen[0], "members", ())
        needed = [m for m in default_methods() if m.name in members] + chosen
        plain = forecast_with(history, horizon, needed, closed_dates=closed, calendar_effects=False)
        wape_plain = _wape(plain[relais.method], actual)
        row("Relais' choice without calendar effects", wape_plain, widths=(40, 10))
        row(f"Relais' choice: {relais.method}", wape_relais, widths=(40, 10))

    best = min(peers, key=lambda name: peers[name])
    raw_best = peer_forecasts[best]
    emit(
        {
            "wape_seasonal_naive": round(wape_naive, 5),
            "wape_relais": round(wape_relais, 5),
            "wape_best_statsforecast": round(peers[best], 5),
            "best_statsforecast_model": best,
            "wape_weekday_mean_2w": round(wape_weekday_mean, 5),
            "seconds": round(elapsed[0], 1),
            "relais_method": relais.method,
            "relais_seconds": round(relais_seconds[0], 1),
            "holiday_uplift": round(relais.holiday_uplift, 4),
            "month_turn": {str(rank): round(f, 4) for rank, f in relais.month_turn},
            "wape_relais_without_calendar_effects": round(wape_plain, 5),
            "wape_relais_30min": round(_wape(relais, actual, timedelta(minutes=30)), 5),
            "wape_best_statsforecast_30min": round(
                _wape(raw_best, actual, timedelta(minutes=30)), 5
            ),
            "test_days": args.test_days,
            **{f"wape_statsforecast_{name}": round(value, 5) for name, value in peers.items()},
        }
    )


if __name__ == "__main__":
    main()
