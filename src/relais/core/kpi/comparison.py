"""Fair comparisons of satisfaction and first-contact resolution between groups.

Every measure here is the mean of a score per observation: 1 or 0 for a proportion (CSAT
top-2-box, FCR, "was your request resolved?"), +1 / 0 / -1 for NPS (promoter, passive,
detractor; NPS is 100 x the mean). A `Tally` holds n, the sum and the sum of squares, so that
tallies of disjoint observations add up and the variance of the mean follows.

- 95 % intervals: Wilson's score interval for proportions (Wilson 1927, as statsmodels'
  `proportion_confint(method="wilson")`); for NPS the normal interval of the mean of the
  trinomial score, var = (p + d - (p - d)^2) / n, clipped to -100..100.
- Direct standardisation: each group's mean per stratum (queue x contact reason x waiting band)
  re-weighted to the mix of strata of everyone compared (the reference population), the weights
  renormalised over the strata where the group has observations; its variance is
  sum w_k^2 var_k / n_k. A group overflowed the longest waiters is thus not judged on them alone.
- Pairs: a two-sided z-test of the difference of standardised means, then Holm's step-down
  correction over all the pairs compared (family-wise error 5 %).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

Z95 = 1.959963984540054
ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class Tally:
    """n observations of a score, their sum and the sum of their squares."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.n + other.n, self.total + other.total, self.squares + other.squares)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.n - other.n, self.total - other.total, self.squares - other.squares)

    @classmethod
    def of(cls, scores: Iterable[float]) -> Tally:
        n, total, squares = 0, 0.0, 0.0
        for score in scores:
            n += 1
            total += score
            squares += score * score
        return cls(n, total, squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """Population variance of the scores (the variance of one observation)."""
        if not self.n:
            return None
        mean = self.total / self.n
        return max(self.squares / self.n - mean * mean, 0.0)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion; None without observations."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def mean_interval(tally: Tally, z: float = Z95) -> tuple[float, float] | None:
    """Normal-approximation interval of a mean from n, the sum and the sum of squares:
    mean ± z s / sqrt(n), s² the sample variance (n − 1); None below two observations."""
    if tally.n < 2:
        return None
    mean = tally.total / tally.n
    variance = max((tally.squares - tally.total * mean) / (tally.n - 1), 0.0)
    half = z * math.sqrt(variance / tally.n)
    return mean - half, mean + half


def nps_interval(
    promoters: int, detractors: int, n: int, z: float = Z95
) -> tuple[float, float] | None:
    """Normal interval of NPS (-100..100) from the trinomial variance; None without answers."""
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    nps = p - d
    half = z * math.sqrt(max(p + d - nps * nps, 0.0) / n)
    return max(100 * (nps - half), -100.0), min(100 * (nps + half), 100.0)


def two_sided_p_value(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def holm_rejections(p_values: Sequence[float], alpha: float = ALPHA) -> list[bool]:
    """Holm's step-down decisions: True where the hypothesis is rejected at family-wise alpha."""
    m = len(p_values)
    order = sorted(range(m), key=p_values.__getitem__)
    rejected = [False] * m
    for rank, index in enumerate(order):
        if p_values[index] > alpha / (m - rank):
            break
        rejected[index] = True
    return rejected


@dataclass(frozen=True, slots=True)
class Standardised:
    """A group's mean re-weighted to the reference mix of strata, and its variance."""

    mean: float
    variance: float


def reference_weights[S: Hashable](strata: Mapping[S, Tally]) -> dict[S, float]:
    """Each stratum's share of the observations of everyone compared."""
    total = sum(t.n for t in strata.values())
    return {s: t.n / total for s, t in strata.items() if t.n} if total else {}


def standardise[S: Hashable](
    strata: Mapping[S, Tally], weights: Mapping[S, float]
) -> Standardised | None:
    """Direct standardisation of a group's strata to `weights` (renormalised to its strata)."""
    present = [(s, t) for s, t in strata.items() if t.n and weights.get(s, 0.0) > 0]
    weight_sum = sum(weights[s] for s, _ in present)
    if not weight_sum:
        return None
    mean = variance = 0.0
    for stratum, tally in present:
        w = weights[stratum] / weight_sum
        mean += w * (tally.mean or 0.0)
        variance += w * w * (tally.variance or 0.0) / tally.n
    return Standardised(mean, variance)


@dataclass(frozen=True, slots=True)
class PairDifference[G]:
    """The comparison of two groups' standardised means after Holm's correction."""

    first: G
    second: G
    difference: float
    p_value: float
    significant: bool


def p_value_of(a: Standardised, b: Standardised) -> float:
    """Two-sided p-value of the difference of two independent standardised means."""
    difference = a.mean - b.mean
    spread = math.sqrt(a.variance + b.variance)
    if spread == 0:
        return 1.0 if difference == 0 else 0.0
    return two_sided_p_value(difference / spread)


def compare_pairs[G](
    groups: Mapping[G, Standardised], alpha: float = ALPHA
) -> list[PairDifference[G]]:
    """Every pair of groups, z-tested on the difference of their standardised means, the
    decisions corrected by Holm over all the pairs."""
    pairs = list(combinations(groups, 2))
    p_values = []
    differences = []
    for a, b in pairs:
        p_values.append(p_value_of(groups[a], groups[b]))
        differences.append(groups[a].mean - groups[b].mean)
    decisions = holm_rejections(p_values, alpha)
    return [
        PairDifference(a, b, diff, p, significant)
        for (a, b), diff, p, significant in zip(
            pairs, differences, p_values, decisions, strict=True
        )
    ]
