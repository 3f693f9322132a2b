"""Forecast a queue's volume and AHT per interval: backtest the candidates, pick, forecast."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

import numpy as np

from relais.core.wfm.forecast.grid import Grid, Matrix, Prepared, build_grid, prepare
from relais.core.wfm.forecast.methods import Ensemble, ForecastMethod, default_methods
from relais.core.wfm.forecast.model import (
    BacktestSettings,
    IntervalForecast,
    MethodScore,
    QueueForecast,
    QueueHistory,
)
from relais.core.wfm.forecast.selection import backtest, run_methods

__all__ = ["aht_profile", "forecast_queue", "forecast_with"]

_AHT_WEEKS = 8
_AHT_PRIOR_CONTACTS = 20.0


def aht_profile(grid: Grid, rows: int, horizon: int) -> Matrix | None:
    """Mean handling time per future day and slot, or ``None`` without AHT history.

    The volume-weighted AHT of the same weekday and slot over the last weeks, shrunk
    toward that weekday's AHT when the slot saw few contacts.
    """
    volume = grid.volume[:rows]
    handle = grid.handle_seconds[:rows]
    usable = np.isfinite(volume) & np.isfinite(handle) & ~grid.closed[:rows, None]
    if not usable.any():
        return None
    first = max(0, rows - _AHT_WEEKS * grid.period)
    positions = np.arange(rows) % grid.period
    overall = float(handle[usable].sum() / max(volume[usable].sum(), 1e-9))
    profile = np.full((grid.period, grid.slots), overall)
    for position in range(grid.period):
        window = usable & (positions == position)[:, None]
        window[:first] = False
        slot_handle = np.where(window, handle, 0.0).sum(axis=0)
        slot_volume = np.where(window, volume, 0.0).sum(axis=0)
        day_volume = float(slot_volume.sum())
        day_aht = float(slot_handle.sum()) / day_volume if day_volume > 0 else overall
        prior = _AHT_PRIOR_CONTACTS
        profile[position] = (slot_handle + prior * day_aht) / (slot_volume + prior)
    return profile[(rows + np.arange(horizon)) % grid.period]


def _aht_wape(grid: Grid, horizon: int) -> float | None:
    origin = grid.history_days - horizon
    if origin < 2 * grid.period:
        return None
    forecast = aht_profile(grid, origin, horizon)
    volume = grid.volume[origin : grid.history_days]
    handle = grid.handle_seconds[origin : grid.history_days]
    usable = np.isfinite(volume) & np.isfinite(handle) & (volume > 0)
    if forecast is None or not usable.any():
        return None
    actual = handle[usable] / volume[usable]
    error = np.abs(forecast[usable] - actual) * volume[usable]
    return float(error.sum() / handle[usable].sum())


def _forecasts(
    grid: Grid, methods: Sequence[ForecastMethod], *, calendar_effects: bool
) -> tuple[dict[str, Matrix], Prepared, Matrix | None]:
    future = len(grid.days) - grid.history_days
    prepared = prepare(grid, grid.history_days, calendar_effects=calendar_effects)
    matrices = run_methods(methods, prepared.values, grid.period, future)
    closed = grid.closed[grid.history_days :]
    for matrix in matrices.values():
        matrix *= prepared.day_factors[grid.history_days :, None]
        matrix[closed] = 0.0
    return matrices, prepared, aht_profile(grid, grid.history_days, future)


def _queue_forecast(
    history: QueueHistory,
    grid: Grid,
    horizon: Sequence[datetime],
    method: str,
    matrix: Matrix,
    aht: Matrix | None,
    extras: tuple[tuple[MethodScore, ...], Prepared, float | None],
) -> QueueForecast:
    scores, prepared, aht_wape = extras
    intervals = []
    for start, (row, column) in zip(horizon, grid.horizon_cells, strict=True):
        cell = (row - grid.history_days, column)
        intervals.append(
            IntervalForecast(
                start=start,
                volume=float(matrix[cell]),
                aht_seconds=None if aht is None else float(aht[cell]),
            )
        )
    return QueueForecast(
        queue=history.queue,
        interval=history.interval,
        method=method,
        intervals=tuple(intervals),
        scores=scores,
        holiday_uplift=prepared.uplift,
        aht_wape=aht_wape,
        month_turn=tuple(sorted(prepared.month_turn.items())),
    )


def forecast_queue(
    history: QueueHistory,
    horizon: Sequence[datetime],
    *,
    closed_dates: Collection[date] = (),
    methods: Sequence[ForecastMethod] | None = None,
    settings: BacktestSettings | None = None,
    calendar_effects: bool = True,
) -> QueueForecast:
    """Forecast ``history``'s queue on the ``horizon`` interval starts (aware UTC).

    ``horizon`` lists the open intervals to forecast (from a site calendar's
    ``open_interval_starts``); ``closed_dates`` are the local dates the queue was or will
    be closed (public holidays), in the history and in the horizon. The candidate
    ``methods`` (Relais' defaults when ``None``) are backtested on rolling origins of the
    history only; the one with the lowest WAPE forecasts. Deterministic.
    """
    grid = build_grid(history, horizon, closed_dates)
    candidates = tuple(methods) if methods is not None else default_methods()
    future = len(grid.days) - grid.history_days
    result = backtest(
        grid,
        candidates,
        future,
        settings or BacktestSettings(),
        calendar_effects=calendar_effects,
    )
    chosen = next(method for method in candidates if method.name == result.chosen)
    needed: list[ForecastMethod] = [chosen]
    if isinstance(chosen, Ensemble):
        needed = [m for m in candidates if m.name in chosen.members] + [chosen]
    matrices, prepared, aht = _forecasts(grid, needed, calendar_effects=calendar_effects)
    horizon_days = min(future, (settings or BacktestSettings()).max_horizon_days)
    extras = (result.scores, prepared, _aht_wape(grid, horizon_days))
    return _queue_forecast(
        history, grid, horizon, result.chosen, matrices[result.chosen], aht, extras
    )


def forecast_with(
    history: QueueHistory,
    horizon: Sequence[datetime],
    methods: Sequence[ForecastMethod],
    *,
    closed_dates: Collection[date] = (),
    calendar_effects: bool = True,
) -> dict[str, QueueForecast]:
    """Forecast with each of ``methods`` (no backtest, no choice), by method name."""
    grid = build_grid(history, horizon, closed_dates)
    matrices, prepared, aht = _forecasts(grid, methods, calendar_effects=calendar_effects)
    return {
        name: _queue_forecast(history, grid, horizon, name, matrix, aht, ((), prepared, None))
        for name, matrix in matrices.items()
    }
