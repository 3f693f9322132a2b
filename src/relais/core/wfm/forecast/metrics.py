"""Accuracy measures: WAPE and MASE over the observed cells of a day × slot grid."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["mase", "seasonal_scale", "wape"]

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def wape(forecast: Matrix, actual: Matrix, mask: Mask | None = None) -> float:
    """Σ|forecast − actual| / Σ actual over the cells of ``mask`` (all cells by default)."""
    if mask is None:
        mask = np.isfinite(actual)
    total = float(actual[mask].sum())
    if total <= 0.0:
        return float("nan")
    return float(np.abs(forecast[mask] - actual[mask]).sum()) / total


def seasonal_scale(train: Matrix, lag_rows: int, mask: Mask | None = None) -> float:
    """Mean absolute error of the in-sample seasonal naive (``lag_rows`` days back)."""
    if train.shape[0] <= lag_rows:
        return float("nan")
    errors = np.abs(train[lag_rows:] - train[:-lag_rows])
    if mask is not None:
        errors = errors[mask[lag_rows:] & mask[:-lag_rows]]
    return float(errors.mean()) if errors.size else float("nan")


def mase(forecast: Matrix, actual: Matrix, scale: float, mask: Mask | None = None) -> float:
    """Mean absolute error over ``mask`` divided by the seasonal naive's in-sample error."""
    if mask is None:
        mask = np.isfinite(actual)
    if not mask.any() or not scale > 0.0:
        return float("nan")
    return float(np.abs(forecast[mask] - actual[mask]).mean()) / scale
