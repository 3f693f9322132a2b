"""Agreement between raters: Krippendorff's alpha, and a rater's bias against a reference.

Alpha (Krippendorff, *Computing Krippendorff's Alpha-Reliability*, 2011) compares the
disagreement observed between raters who scored the same units with the disagreement expected
by chance: alpha = 1 - D_o / D_e. 1 is perfect agreement, 0 agreement no better than chance,
below 0 systematic disagreement. It accepts any number of raters and missing scores (a rater
who did not score a unit, or marked it "not applicable"); a unit with fewer than two scores
tells nothing and is left out.

The data are a raters x units matrix, `None` where a rater gave no score. The level says how
different two values are: nominal (equal or not), ordinal (by the number of scores between
them), interval (by their difference).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Ratings = Sequence[Sequence[float | None]]


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"


def _coincidences(
    matrix: npt.NDArray[np.float64], values: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The coincidence matrix: how often value c and value k were paired within a unit, each
    pair of a unit with m scores weighted 1 / (m - 1)."""
    size = len(values)
    coincidences = np.zeros((size, size))
    for unit in matrix.T:
        scored = unit[~np.isnan(unit)]
        m = len(scored)
        if m < 2:
            continue
        counts = np.zeros(size)
        np.add.at(counts, np.searchsorted(values, scored), 1.0)
        pairs = np.outer(counts, counts) - np.diag(counts)
        coincidences += pairs / (m - 1)
    return coincidences


def _distances(
    level: Level, values: npt.NDArray[np.float64], totals: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """delta²(c, k) for every pair of values."""
    if level is Level.NOMINAL:
        return 1.0 - np.eye(len(values))
    if level is Level.INTERVAL:
        differences: npt.NDArray[np.float64] = np.subtract.outer(values, values)
        return differences**2
    # ordinal: the scores from c to k, less half of c's and k's own
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    low = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
    high = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
    between = cumulative[high + 1] - cumulative[low]
    ordinal: npt.NDArray[np.float64] = (between - (totals[low] + totals[high]) / 2.0) ** 2
    return ordinal


def krippendorff_alpha(ratings: Ratings, level: Level = Level.INTERVAL) -> float | None:
    """Krippendorff's alpha of `ratings` (raters x units, None for no score) at `level`;
    None when it is undefined: fewer than two pairable scores, or every score the same value
    (no disagreement is expected, so none can be measured)."""
    matrix = np.array(
        [[np.nan if value is None else float(value) for value in row] for row in ratings],
        dtype=np.float64,
    )
    if matrix.ndim != 2 or matrix.size == 0:
        return None
    values = np.unique(matrix[~np.isnan(matrix)])
    coincidences = _coincidences(matrix, values)
    totals = coincidences.sum(axis=1)
    pairable = totals.sum()
    if pairable <= 1:
        return None
    distances = _distances(level, values, totals)
    observed = float((coincidences * distances).sum()) / pairable
    expected = float((np.outer(totals, totals) * distances).sum()) / (pairable * (pairable - 1))
    if expected == 0:
        return None
    return 1.0 - observed / expected


def mean_difference(
    scores: Sequence[float | None], reference: Sequence[float | None]
) -> float | None:
    """A rater's bias: the mean of (their score - the reference score) over the units both
    scored; positive means they score higher than the reference. None without a common unit."""
    differences = [
        score - ref
        for score, ref in zip(scores, reference, strict=True)
        if score is not None and ref is not None
    ]
    if not differences:
        return None
    return sum(differences) / len(differences)
