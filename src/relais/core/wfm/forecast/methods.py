"""Forecasting methods on the open-day grid: rows are days, columns are clock slots.

Every method maps a regular history matrix (``n`` days × ``slots``, whose row ``r`` is at
position ``r % period`` of the open week) to the next ``horizon`` days. statsforecast is
imported lazily: its numba compilation is paid only when one of its models runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "DailyLevelProfile",
    "Ensemble",
    "ForecastMethod",
    "NotEnoughHistory",
    "SeasonalAverage",
    "SeasonalNaive",
    "SeriesModel",
    "WeekdayProfile",
    "default_methods",
    "statsforecast_model",
]

Matrix = npt.NDArray[np.float64]


class NotEnoughHistory(ValueError):
    """The method needs more history than it was given."""


class ForecastMethod(Protocol):
    """A named way of forecasting the next ``horizon`` rows of the grid."""

    @property
    def name(self) -> str: ...

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix: ...


def _last_weeks(history: Matrix, period: int, weeks: int) -> Matrix:
    """The last ``weeks`` whole weeks stacked: shape (weeks, period, slots)."""
    usable = min(weeks, history.shape[0] // period)
    if usable < 1:
        raise NotEnoughHistory(f"needs at least one week ({period} open days) of history")
    tail = history[history.shape[0] - usable * period :]
    return tail.reshape(usable, period, history.shape[1])


def _align(by_position: Matrix, horizon: int) -> Matrix:
    """Future day ``i`` from a (period, slots) array as laid out by ``_last_weeks``.

    Row ``p`` of a stacked week is the history day at position ``(n + p) % period``, the
    position of future day ``i`` when ``p = i % period``.
    """
    aligned: Matrix = by_position[np.arange(horizon) % by_position.shape[0]]
    return aligned


@dataclass(frozen=True, slots=True)
class SeasonalNaive:
    """Same slot, same weekday, last week: the baseline every method must beat."""

    name: str = "seasonal_naive"

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        week = _last_weeks(history, period, 1)[0]
        return _align(week, horizon)


@dataclass(frozen=True, slots=True)
class SeasonalAverage:
    """Mean of the same slot and weekday over the last ``weeks`` weeks."""

    weeks: int = 4
    name: str = "seasonal_average"

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        mean = _last_weeks(history, period, self.weeks).mean(axis=0)
        return _align(mean, horizon)


_SMOOTHING_SHARE = 0.03  # the intraday profile's moving mean spans ~3 % of the day's slots


def _smooth(profile: Matrix) -> Matrix:
    """A centred moving mean over about 3 % of the day's slots (5 of 169 five-minute slots).

    Five-minute shares are noisy (a slot of 150 calls is ±8 % by chance alone); days of a
    few dozen slots (15, 30 minutes) are left as they are.
    """
    width = round(profile.shape[1] * _SMOOTHING_SHARE) // 2 * 2 + 1
    if width < 3:
        return profile
    half = width // 2
    padded = np.pad(profile, ((0, 0), (half, half)), mode="edge")
    kernel = np.ones(width) / width
    smoothed: Matrix = np.array([np.convolve(row, kernel, mode="valid") for row in padded])
    smoothed = np.where(profile > 0, smoothed, 0.0)  # slots a weekday never opens stay shut
    totals = smoothed.sum(axis=1, keepdims=True)
    return np.divide(smoothed, totals, out=np.zeros_like(smoothed), where=totals > 0)


def intraday_profile(history: Matrix, period: int, weeks: int) -> Matrix:
    """Each open weekday's mean share of the day per slot over the last ``weeks``, smoothed."""
    stacked = _last_weeks(history, period, weeks)
    totals = stacked.sum(axis=2, keepdims=True)
    shares = np.divide(stacked, totals, out=np.zeros_like(stacked), where=totals > 0)
    return _smooth(shares.mean(axis=0))


ModelFactory = Callable[[int, int], Any]
"""(slots per day, open days per week) -> a statsforecast model object."""


def statsforecast_model(kind: str) -> ModelFactory:
    """Factories of the statsforecast models Relais knows, by name."""

    def build(slots: int, period: int) -> Any:
        from statsforecast import models

        week = slots * period
        seasons = [slots, week] if period > 1 else [slots]
        factories: dict[str, Callable[[], Any]] = {
            "SeasonalNaive": lambda: models.SeasonalNaive(season_length=week),
            "SeasonalWindowAverage": lambda: models.SeasonalWindowAverage(
                season_length=week, window_size=4
            ),
            "MSTL": lambda: models.MSTL(
                season_length=seasons, trend_forecaster=models.AutoETS(model="ZZN")
            ),
            # STL's loess smoothers evaluated every 20 points and interpolated: about ten
            # times faster on weekly seasons of hundreds of intervals, same forecast to 1e-3.
            "MSTLFast": lambda: models.MSTL(
                season_length=seasons,
                trend_forecaster=models.AutoETS(model="ZZN"),
                stl_kwargs={"trend_jump": 20, "low_pass_jump": 20},
            ),
            "AutoETS": lambda: models.AutoETS(season_length=max(period, 1)),
            "AutoTheta": lambda: models.AutoTheta(season_length=max(period, 1)),
            "AutoARIMA": lambda: models.AutoARIMA(season_length=max(period, 1)),
        }
        if kind not in factories:
            raise ValueError(f"unknown statsforecast model {kind!r}")
        return factories[kind]()

    return build


def _run(model: Any, series: npt.NDArray[np.float64], horizon: int) -> Matrix:
    result = model.forecast(y=series.astype(np.float64), h=horizon)
    return np.clip(np.asarray(result["mean"], dtype=np.float64), 0.0, None)


@dataclass(frozen=True, slots=True)
class SeriesModel:
    """A statsforecast model on the flattened interval series of the last ``weeks``."""

    model: str
    weeks: int = 12
    name: str = ""

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        stacked = _last_weeks(history, period, self.weeks)
        if stacked.shape[0] < 2:
            raise NotEnoughHistory(f"{self.model} needs at least two weeks of history")
        slots = history.shape[1]
        series = stacked.reshape(-1)
        values = _run(statsforecast_model(self.model)(slots, period), series, horizon * slots)
        return values.reshape(horizon, slots)


@dataclass(frozen=True, slots=True)
class DailyLevelProfile:
    """Daily totals forecast by a statsforecast model, spread by a weekly intraday profile.

    The profile of each open weekday is the mean share of each slot in that day's total
    over the last ``profile_weeks`` weeks (``intraday_profile``): the classic top-down
    forecast of planners.
    """

    model: str = "AutoETS"
    profile_weeks: int = 8
    name: str = ""

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        if history.shape[0] < 2 * period + 2:
            raise NotEnoughHistory("a daily-level model needs two weeks of history")
        totals = history.sum(axis=1)
        level = _run(statsforecast_model(self.model)(history.shape[1], period), totals, horizon)
        profile = intraday_profile(history, period, self.profile_weeks)
        return level[:, None] * _align(profile, horizon)


@dataclass(frozen=True, slots=True)
class WeekdayProfile:
    """Weekday × slot profile times a robust level: the median day of that weekday.

    The level of each open weekday is the median of its daily totals over the last
    ``level_weeks`` weeks (a surge or a dip on one of them does not move it); the profile
    is ``intraday_profile`` over ``profile_weeks``. Calendar effects (month turn, catch-up
    after a closure) are taken out before and put back after, as for every method.
    """

    level_weeks: int = 6
    profile_weeks: int = 12
    name: str = "weekday_profile"

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        if history.shape[0] < 2 * period:
            raise NotEnoughHistory("a weekday profile needs two weeks of history")
        level = np.median(_last_weeks(history, period, self.level_weeks).sum(axis=2), axis=0)
        profile = intraday_profile(history, period, self.profile_weeks)
        return _align(level[:, None] * profile, horizon)


@dataclass(frozen=True, slots=True)
class Ensemble:
    """The mean of other methods' forecasts (computed once, reused in the backtest)."""

    members: tuple[str, ...]
    name: str = "ensemble"

    def forecast(self, history: Matrix, period: int, horizon: int) -> Matrix:
        raise NotImplementedError("an ensemble is combined from its members' forecasts")


def default_methods() -> tuple[ForecastMethod, ...]:
    """Relais' candidates, from the cheapest; the backtest picks one per queue."""
    return (
        SeasonalNaive(),
        SeasonalAverage(weeks=4, name="seasonal_average_4w"),
        SeasonalAverage(weeks=8, name="seasonal_average_8w"),
        DailyLevelProfile("AutoETS", 8, name="daily_ets_profile_8w"),
        DailyLevelProfile("AutoTheta", 8, name="daily_theta_profile_8w"),
        WeekdayProfile(6, 12, name="weekday_profile_6w"),
        SeriesModel("MSTLFast", weeks=12, name="mstl_12w"),
        Ensemble(("daily_ets_profile_8w", "mstl_12w"), name="ensemble_ets_mstl"),
        Ensemble(
            ("daily_ets_profile_8w", "daily_theta_profile_8w", "mstl_12w"),
            name="ensemble_ets_theta_mstl",
        ),
        Ensemble(("weekday_profile_6w", "daily_ets_profile_8w"), name="ensemble_profile_ets"),
    )
