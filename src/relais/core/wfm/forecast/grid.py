"""The open-interval grid: one row per usually-open local day, one column per clock slot.

Closed nights and weekends are simply not in the grid, so a week is ``period`` rows of
``slots`` columns and the models see seasons of ``slots`` (a day) and ``slots × period``
(a week) open intervals. Holidays and missing intervals are holes that get imputed from
the same slot of neighbouring weeks; the first open day after a holiday carries an
uplift (the calls of the closed day come back) estimated from history.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from relais.core.wfm.forecast.day_effects import month_turn_factors, month_turn_ranks
from relais.core.wfm.forecast.model import QueueHistory

__all__ = ["Grid", "Prepared", "build_grid", "prepare"]

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

_UPLIFT_PRIOR = 0.5  # pseudo-observations of "no uplift" shrinking the estimate


@dataclass(frozen=True, slots=True)
class Grid:
    """History laid out on open days × clock slots, and where the horizon falls."""

    days: tuple[date, ...]
    slot_minutes: tuple[int, ...]
    period: int
    history_days: int
    volume: Matrix
    handle_seconds: Matrix
    closed: Mask
    after_closure: Mask
    horizon_cells: tuple[tuple[int, int], ...]
    month_ranks: npt.NDArray[np.int_]

    @property
    def slots(self) -> int:
        return len(self.slot_minutes)


def _local(moment: datetime, zone: zoneinfo.ZoneInfo, interval_minutes: int) -> tuple[date, int]:
    if moment.tzinfo is None:
        raise ValueError("interval starts must be aware datetimes (UTC)")
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if minute % interval_minutes or local.second or local.microsecond:
        raise ValueError(f"{moment} does not start a {interval_minutes}-minute interval")
    return local.date(), minute


def build_grid(
    history: QueueHistory, horizon: Sequence[datetime], closed_dates: Collection[date]
) -> Grid:
    """Lay ``history`` and the ``horizon`` interval starts on the open-day grid."""
    if not history.observations:
        raise ValueError("the history has no observations")
    if not horizon:
        raise ValueError("the horizon has no intervals")
    interval_minutes = int(history.interval / timedelta(minutes=1))
    if interval_minutes <= 0 or timedelta(minutes=interval_minutes) != history.interval:
        raise ValueError("the interval must be a whole, positive number of minutes")
    zone = zoneinfo.ZoneInfo(history.time_zone)
    observed = [
        (*_local(o.start, zone, interval_minutes), o.volume, o.aht_seconds)
        for o in history.observations
    ]
    future = [_local(start, zone, interval_minutes) for start in horizon]
    last_history = max(day for day, *_ in observed)
    if min(day for day, _ in future) <= last_history:
        raise ValueError("the horizon must start on a local date after the history ends")

    weekdays = sorted({day.weekday() for day, *_ in observed} | {d.weekday() for d, _ in future})
    slot_minutes = sorted({m for _, m, *_ in observed} | {m for _, m in future})
    first = min(day for day, *_ in observed)
    last = max(day for day, _ in future)
    days = [
        first + timedelta(days=offset)
        for offset in range((last - first).days + 1)
        if (first + timedelta(days=offset)).weekday() in weekdays
    ]
    row_of = {day: row for row, day in enumerate(days)}
    column_of = {minute: column for column, minute in enumerate(slot_minutes)}
    history_days = row_of[last_history] + 1

    shape = (history_days, len(slot_minutes))
    volume_sum = np.zeros(shape)
    handle_sum = np.zeros(shape)
    handled = np.zeros(shape)
    count = np.zeros(shape)
    for day, minute, volume, aht in observed:
        if volume < 0 or not np.isfinite(volume):
            raise ValueError(f"invalid volume {volume!r} on {day}")
        cell = (row_of[day], column_of[minute])
        volume_sum[cell] += volume
        count[cell] += 1
        if aht is not None and volume > 0:
            handle_sum[cell] += aht * volume
            handled[cell] += volume
    with np.errstate(invalid="ignore", divide="ignore"):
        # Two observations in one cell only happen on the night clocks go back.
        volume_matrix = np.where(count > 0, volume_sum / np.maximum(count, 1), np.nan)
        handle_matrix = np.where(handled > 0, handle_sum / np.maximum(count, 1), np.nan)

    closed_set = set(closed_dates)
    closed = np.array([day in closed_set for day in days], dtype=bool)
    after_closure = np.zeros(len(days), dtype=bool)
    after_closure[1:] = closed[:-1] & ~closed[1:]
    cells = tuple((row_of[day], column_of[minute]) for day, minute in future)
    return Grid(
        days=tuple(days),
        slot_minutes=tuple(slot_minutes),
        period=len(weekdays),
        history_days=history_days,
        volume=volume_matrix,
        handle_seconds=handle_matrix,
        closed=closed,
        after_closure=after_closure,
        horizon_cells=cells,
        month_ranks=month_turn_ranks(days, closed_set, weekdays),
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A history matrix ready for the models: holes filled, calendar effects taken out.

    ``day_factors`` has one factor per day of the grid, history and horizon: the product
    of the month-turn effect of its rank and, on the first open day after a closure, the
    catch-up ``uplift``. History days are divided by it; forecasts are multiplied by it.
    """

    values: Matrix
    observed: Mask
    uplift: float
    month_turn: dict[int, float]
    day_factors: npt.NDArray[np.float64]


def _impute(matrix: Matrix, period: int) -> Matrix:
    filled = matrix.copy()
    rows = filled.shape[0]
    for row in range(period, rows):
        holes = np.isnan(filled[row])
        filled[row, holes] = filled[row - period, holes]
    for row in range(rows - period - 1, -1, -1):
        holes = np.isnan(filled[row])
        filled[row, holes] = filled[row + period, holes]
    return np.where(np.isnan(filled), 0.0, filled)


def _uplift(values: Matrix, observed: Mask, after: Mask, special: Mask, period: int) -> float:
    totals = np.where(observed, values, 0.0).sum(axis=1)
    complete = observed.all(axis=1) | (observed.sum(axis=1) >= 0.9 * observed.shape[1])
    ratios: list[float] = []
    for row in np.flatnonzero(after):
        neighbours = [
            other
            for other in (row - period, row + period)
            if 0 <= other < len(totals) and complete[other] and not special[other]
        ]
        if complete[row] and neighbours:
            baseline = float(np.mean(totals[neighbours]))
            if baseline > 0:
                ratios.append(float(totals[row]) / baseline)
    if not ratios:
        return 1.0
    return 1.0 + sum(r - 1.0 for r in ratios) / (len(ratios) + _UPLIFT_PRIOR)


def prepare(grid: Grid, rows: int, *, calendar_effects: bool = True) -> Prepared:
    """The first ``rows`` history days of ``grid`` made regular for the models.

    Weekday slots never observed (a site shut on Saturday afternoons) are structural
    zeros; holidays and missing intervals are imputed from the same slot in the
    neighbouring weeks. With ``calendar_effects``, the month-turn effects and the catch-up
    after a closure are estimated on these rows only and divided out.
    """
    raw = grid.volume[:rows]
    closed = grid.closed[:rows]
    after = grid.after_closure[:rows] & calendar_effects
    observed = np.isfinite(raw) & ~closed[:, None]
    positions = np.arange(rows) % grid.period
    ever_open = np.zeros((grid.period, grid.slots), dtype=bool)
    for position in range(grid.period):
        ever_open[position] = observed[positions == position].any(axis=0)
    holes = np.where(observed, raw, np.nan)
    holes = np.where(ever_open[positions], holes, 0.0)
    factors = np.ones(len(grid.days))
    month_turn: dict[int, float] = {}
    uplift = 1.0
    if calendar_effects:
        totals = np.where(observed, holes, 0.0).sum(axis=1)
        complete = observed.sum(axis=1) >= 0.9 * ever_open[positions].sum(axis=1)
        usable = complete & ~closed & ~after & (totals > 0)
        month_turn = month_turn_factors(totals, usable, grid.month_ranks, grid.period)
        factors = np.array([month_turn.get(int(rank), 1.0) for rank in grid.month_ranks])
        holes = holes / factors[:rows, None]
        uplift = _uplift(holes, observed, after, closed | after, grid.period)
        factors[grid.after_closure] *= uplift
        holes[after] = holes[after] / uplift
    return Prepared(
        values=_impute(holes, grid.period),
        observed=observed,
        uplift=uplift,
        month_turn=month_turn,
        day_factors=factors,
    )
