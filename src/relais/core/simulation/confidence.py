"""Means with 95 % confidence intervals over replications (Student's t)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import stdtrit

__all__ = ["Estimate", "estimate", "paired_difference"]


@dataclass(frozen=True, slots=True)
class Estimate:
    """`mean` ± `half_width` (95 %) over `n` replications; half_width None when n < 2."""

    mean: float | None
    half_width: float | None
    n: int

    @property
    def low(self) -> float | None:
        if self.mean is None or self.half_width is None:
            return None
        return self.mean - self.half_width

    @property
    def high(self) -> float | None:
        if self.mean is None or self.half_width is None:
            return None
        return self.mean + self.half_width

    def contains(self, value: float) -> bool:
        low, high = self.low, self.high
        return low is not None and high is not None and low <= value <= high


def estimate(values: Sequence[float | None], level: float = 0.95) -> Estimate:
    """Mean and t-interval of the replications that have a value (None: no data)."""
    known = [value for value in values if value is not None and math.isfinite(value)]
    n = len(known)
    if n == 0:
        return Estimate(None, None, 0)
    mean = math.fsum(known) / n
    if n < 2:
        return Estimate(mean, None, 1)
    variance = math.fsum((value - mean) ** 2 for value in known) / (n - 1)
    quantile = float(stdtrit(n - 1, 0.5 + level / 2))
    return Estimate(mean, quantile * math.sqrt(variance / n), n)


def paired_difference(
    first: Sequence[float | None], second: Sequence[float | None], level: float = 0.95
) -> Estimate:
    """second − first, replication by replication (common random numbers), with its CI."""
    differences: list[float | None] = [
        None if a is None or b is None else b - a for a, b in zip(first, second, strict=False)
    ]
    return estimate(differences, level)
