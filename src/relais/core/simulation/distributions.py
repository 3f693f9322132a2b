"""Distributions of handling time and patience, drawn by inversion from uniforms.

Each contact gets one uniform per source (handling, patience) from its own stream; the
distribution of the queue it ends up in turns that uniform into seconds. Inversion keeps
common random numbers intact when a scenario changes a distribution or moves contacts to
another queue (a channel shift): the same contact keeps the same quantile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

__all__ = ["Distribution", "Empirical", "Exponential", "Fixed", "LogNormal", "Never"]


@dataclass(frozen=True, slots=True)
class Exponential:
    mean: float

    def __post_init__(self) -> None:
        if not self.mean > 0:
            raise ValueError("an exponential distribution needs a positive mean")

    def from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        result: np.ndarray = -self.mean * np.log1p(-uniforms)
        return result

    @property
    def expected(self) -> float:
        return self.mean


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Given by its mean and standard deviation in seconds (not those of the logarithm)."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        if not (self.mean > 0 and self.sd > 0):
            raise ValueError("a lognormal distribution needs a positive mean and sd")

    def from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        mu = math.log(self.mean) - sigma2 / 2
        result: np.ndarray = np.exp(mu + math.sqrt(sigma2) * ndtri(uniforms))
        return result

    @property
    def expected(self) -> float:
        return self.mean


@dataclass(frozen=True, slots=True)
class Empirical:
    """Observed values, each with a weight (equal by default); `inf` is allowed (patience).

    Weights summing to less than 1 leave the rest of the mass at infinity: that is how a
    Kaplan-Meier patience curve that never reaches 0 is given.
    """

    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("an empirical distribution needs at least one value")
        if min(self.values) < 0:
            raise ValueError("empirical values must not be negative")
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("an empirical distribution needs one weight per value")
            if min(self.weights) < 0 or sum(self.weights) <= 0:
                raise ValueError("empirical weights must be non-negative, not all zero")

    def from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        values = np.asarray(self.values, dtype=float)
        if self.weights is None:
            order = np.sort(values)
            index = np.minimum((uniforms * len(order)).astype(np.int64), len(order) - 1)
            result: np.ndarray = order[index]
            return result
        weights = np.asarray(self.weights, dtype=float)
        total = weights.sum()
        order = np.argsort(values)
        cumulative = np.cumsum(weights[order]) / max(total, 1.0)
        index = np.searchsorted(cumulative, uniforms, side="right")
        padded = np.append(values[order], math.inf)
        result = padded[np.minimum(index, len(padded) - 1)]
        return result

    @property
    def expected(self) -> float:
        values = np.asarray(self.values, dtype=float)
        if self.weights is None:
            return float(values.mean())
        weights = np.asarray(self.weights, dtype=float)
        if weights.sum() < 1 - 1e-12 or not np.isfinite(values).all():
            return math.inf
        return float((values * weights).sum() / weights.sum())


@dataclass(frozen=True, slots=True)
class Fixed:
    value: float

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("a fixed duration must not be negative")

    def from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        return np.full(len(uniforms), self.value)

    @property
    def expected(self) -> float:
        return self.value


@dataclass(frozen=True, slots=True)
class Never:
    """Infinite patience: nobody abandons."""

    def from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        return np.full(len(uniforms), math.inf)

    @property
    def expected(self) -> float:
        return math.inf


type Distribution = Exponential | LogNormal | Empirical | Fixed | Never
