"""Inputs and outputs of forecasting: plain, frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "BacktestSettings",
    "IntervalForecast",
    "IntervalObservation",
    "MethodScore",
    "QueueForecast",
    "QueueHistory",
]


@dataclass(frozen=True, slots=True)
class IntervalObservation:
    """What one interval of a queue received: contacts offered and their mean handling time."""

    start: datetime
    volume: float
    aht_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class QueueHistory:
    """A queue's past, one observation per open interval (aware UTC starts).

    Seasonality is read on ``time_zone``'s local weekday and clock time, so a site that
    opens at 07:00 local time stays aligned across daylight-saving changes. Intervals
    without an observation are treated as missing (imputed), not as zero.
    """

    queue: str
    time_zone: str
    interval: timedelta
    observations: tuple[IntervalObservation, ...]


@dataclass(frozen=True, slots=True)
class BacktestSettings:
    """Rolling-origin backtest: ``origins`` cuts, one ``step_days`` of open days apart.

    Each cut forecasts ``horizon_days`` open days (default: as many as the real forecast,
    at most ``max_horizon_days``) from the history before it.
    """

    origins: int = 3
    horizon_days: int | None = None
    max_horizon_days: int = 20
    step_days: int | None = None

    def __post_init__(self) -> None:
        if self.origins < 1:
            raise ValueError("a backtest needs at least one origin")


@dataclass(frozen=True, slots=True)
class MethodScore:
    """A method's backtest accuracy: WAPE and MASE averaged over the origins it ran."""

    method: str
    wape: float
    mase: float
    origins: int


@dataclass(frozen=True, slots=True)
class IntervalForecast:
    """The forecast of one interval: expected contacts and mean handling time (seconds)."""

    start: datetime
    volume: float
    aht_seconds: float | None


@dataclass(frozen=True, slots=True)
class QueueForecast:
    """A queue's forecast, the method chosen and how every candidate scored.

    ``holiday_uplift`` is the catch-up factor of the first open day after a closure;
    ``month_turn`` the factor of each rank among a month's open days (-2, -1, 1, 2, 3).
    """

    queue: str
    interval: timedelta
    method: str
    intervals: tuple[IntervalForecast, ...]
    scores: tuple[MethodScore, ...]
    holiday_uplift: float
    aht_wape: float | None
    month_turn: tuple[tuple[int, float], ...] = ()

    def score(self, method: str) -> MethodScore:
        for score in self.scores:
            if score.method == method:
                return score
        raise KeyError(method)

    @property
    def total_volume(self) -> float:
        return sum(interval.volume for interval in self.intervals)
