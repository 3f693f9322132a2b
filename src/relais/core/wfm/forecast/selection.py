"""Rolling-origin backtest of the candidate methods and the choice of one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from relais.core.wfm.forecast.grid import Grid, Matrix, prepare
from relais.core.wfm.forecast.methods import Ensemble, ForecastMethod, NotEnoughHistory
from relais.core.wfm.forecast.metrics import mase, seasonal_scale, wape
from relais.core.wfm.forecast.model import BacktestSettings, MethodScore

__all__ = ["Backtest", "backtest", "run_methods"]


def run_methods(
    methods: Sequence[ForecastMethod], history: Matrix, period: int, horizon: int
) -> dict[str, Matrix]:
    """Each method's forecast by name; ensembles average members already computed.

    A method without enough history is left out rather than failing the whole run.
    """
    forecasts: dict[str, Matrix] = {}
    for method in methods:
        if isinstance(method, Ensemble):
            continue
        try:
            forecasts[method.name] = method.forecast(history, period, horizon)
        except NotEnoughHistory:
            continue
    for method in methods:
        if isinstance(method, Ensemble) and all(m in forecasts for m in method.members):
            forecasts[method.name] = np.mean([forecasts[m] for m in method.members], axis=0)
    return forecasts


@dataclass(frozen=True, slots=True)
class Backtest:
    """Scores by method (best first) and the chosen method's name."""

    scores: tuple[MethodScore, ...]
    chosen: str


def backtest(
    grid: Grid,
    methods: Sequence[ForecastMethod],
    horizon_days: int,
    settings: BacktestSettings,
    *,
    calendar_effects: bool = True,
) -> Backtest:
    """Cut the history at ``settings.origins`` origins, forecast, score WAPE and MASE.

    Cuts end one step apart, the latest ``horizon`` open days before the end of the
    history. Only observed intervals of days that were not closed are scored. The chosen
    method has the lowest mean WAPE; ties go to the earlier (simpler) candidate.
    """
    period = grid.period
    horizon = settings.horizon_days or min(horizon_days, settings.max_horizon_days)
    step = settings.step_days or period
    order = {method.name: index for index, method in enumerate(methods)}
    wapes: dict[str, list[float]] = {name: [] for name in order}
    mases: dict[str, list[float]] = {name: [] for name in order}
    for cut in range(settings.origins):
        origin = grid.history_days - horizon - cut * step
        if origin < 2 * period:
            break
        train = prepare(grid, origin, calendar_effects=calendar_effects)
        actual = grid.volume[origin : origin + horizon]
        mask = np.isfinite(actual) & ~grid.closed[origin : origin + horizon, None]
        scale = seasonal_scale(train.values, period, train.observed)
        factors = train.day_factors[origin : origin + horizon, None]
        for name, forecast in run_methods(methods, train.values, period, horizon).items():
            adjusted = forecast * factors[: forecast.shape[0]]
            wapes[name].append(wape(adjusted, actual, mask))
            mases[name].append(mase(adjusted, actual, scale, mask))
    scores = [
        MethodScore(
            method=name,
            wape=float(np.nanmean(wapes[name])),
            mase=float(np.nanmean(mases[name])),
            origins=len(wapes[name]),
        )
        for name in order
        if wapes[name] and not np.isnan(wapes[name]).all()
    ]
    if not scores:
        raise NotEnoughHistory("not enough history for any backtest origin")
    most_origins = max(score.origins for score in scores)
    eligible = [score for score in scores if score.origins == most_origins]
    best = min(eligible, key=lambda score: (score.wape, order[score.method]))
    ranked = sorted(scores, key=lambda score: (-score.origins, score.wape, order[score.method]))
    return Backtest(scores=tuple(ranked), chosen=best.method)
