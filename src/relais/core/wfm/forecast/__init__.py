"""Forecasting of contact volumes and handling times per queue and interval.

History is laid on a grid of open days × clock slots (closed nights and weekends are
not in it), candidate methods — seasonal naive, seasonal averages, statsforecast models
(MSTL on the interval series, AutoETS / AutoTheta on daily totals spread by an intraday
profile), ensembles — are backtested on rolling origins, and the most accurate (WAPE)
forecasts. See docs/wfm-forecast-calendars.md.
"""

from relais.core.wfm.forecast.forecasting import aht_profile, forecast_queue, forecast_with
from relais.core.wfm.forecast.grid import Grid, build_grid, prepare
from relais.core.wfm.forecast.holidays import HolidayClosure, forecast_calendar, holiday_closures
from relais.core.wfm.forecast.methods import (
    DailyLevelProfile,
    Ensemble,
    ForecastMethod,
    NotEnoughHistory,
    SeasonalAverage,
    SeasonalNaive,
    SeriesModel,
    WeekdayProfile,
    default_methods,
)
from relais.core.wfm.forecast.metrics import mase, wape
from relais.core.wfm.forecast.model import (
    BacktestSettings,
    IntervalForecast,
    IntervalObservation,
    MethodScore,
    QueueForecast,
    QueueHistory,
)

__all__ = [
    "BacktestSettings",
    "DailyLevelProfile",
    "Ensemble",
    "ForecastMethod",
    "Grid",
    "HolidayClosure",
    "IntervalForecast",
    "IntervalObservation",
    "MethodScore",
    "NotEnoughHistory",
    "QueueForecast",
    "QueueHistory",
    "SeasonalAverage",
    "SeasonalNaive",
    "SeriesModel",
    "WeekdayProfile",
    "aht_profile",
    "build_grid",
    "default_methods",
    "forecast_calendar",
    "forecast_queue",
    "forecast_with",
    "holiday_closures",
    "mase",
    "prepare",
    "wape",
]
