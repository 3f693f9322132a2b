"""A league table: groups side by side on one measure, with n, 95 % intervals, the mean
standardised to the common mix of strata and the pairs that differ after Holm's correction
(definitions in `relais.core.kpi.comparison`).

With more than `max_pairs_groups` groups (agents, say: 500 make 124,750 pairs) each group is
compared with all the others together instead (m tests, Holm over them): `versus_rest` is +1
when it is significantly above the rest, -1 below, 0 otherwise.

Groups below `min_n` observations are listed as "not enough answers": no interval, no
standardised mean, left out of the pairs.

The tallies come as columns (`CellColumns`: group and stratum codes, n, sums, sums of squares)
and the standardisation runs on arrays: a year of a 500-agent centre is about 100,000 cells per
measure and level, which per-cell objects took seconds to go through (bench.quality_report).
`league_rows` takes the same tallies as a mapping, for small tables.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from relais.core.kpi.comparison import (
    Standardised,
    Tally,
    compare_pairs,
    holm_rejections,
    nps_interval,
    p_value_of,
    wilson_interval,
)

DEFAULT_MIN_N = 30
MAX_PAIRS_GROUPS = 12

type Floats = npt.NDArray[np.float64]
type Codes = npt.NDArray[np.intp]


class Measure(StrEnum):
    """Proportions are 0/1 scores shown as 0..1; NPS is +1/0/-1 scores shown as -100..100."""

    PROPORTION = "proportion"
    NPS = "nps"


def nps_score(score: int) -> int:
    """A 0-10 answer as +1 (promoter 9-10), 0 (passive 7-8) or -1 (detractor 0-6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"NPS score {score} is outside 0-10")
    return 1 if score >= 9 else (0 if score >= 7 else -1)


@dataclass(frozen=True, slots=True)
class LeagueRow[G]:
    group: G
    n: int
    value: float | None
    low: float | None = None
    high: float | None = None
    standardised: float | None = None
    enough: bool = False
    higher_than: tuple[G, ...] = field(default_factory=tuple)
    lower_than: tuple[G, ...] = field(default_factory=tuple)
    versus_rest: int = 0


@dataclass(frozen=True)
class CellColumns[G]:
    """Tallies per (group, stratum), one cell per index: `group` indexes `groups`, `stratum`
    is a code below `strata`. A (group, stratum) pair may come several times: they add up."""

    groups: Sequence[G]
    group: Codes
    stratum: Codes
    n: Floats
    total: Floats
    squares: Floats
    strata: int

    @classmethod
    def of[S: Hashable](
        cls, cells: Mapping[tuple[G, S], Tally], strata: dict[S, int] | None = None
    ) -> CellColumns[G]:
        """From a mapping; `strata` codes the strata (filled in as met)."""
        codes: dict[S, int] = {} if strata is None else strata
        groups: dict[G, int] = {}
        group, stratum = [], []
        for g, s in cells:
            group.append(groups.setdefault(g, len(groups)))
            stratum.append(codes.setdefault(s, len(codes)))
        tallies = list(cells.values())
        return cls(
            groups=list(groups),
            group=np.array(group, dtype=np.intp),
            stratum=np.array(stratum, dtype=np.intp),
            n=np.array([t.n for t in tallies], dtype=np.float64),
            total=np.array([t.total for t in tallies], dtype=np.float64),
            squares=np.array([t.squares for t in tallies], dtype=np.float64),
            strata=len(codes),
        )

    def merged(self) -> CellColumns[G]:
        """One cell per (group, stratum) that has observations."""
        keep = self.n > 0
        key = self.group[keep] * max(self.strata, 1) + self.stratum[keep]
        unique, inverse = np.unique(key, return_inverse=True)
        size = len(unique)
        return CellColumns(
            groups=self.groups,
            group=(unique // max(self.strata, 1)).astype(np.intp),
            stratum=(unique % max(self.strata, 1)).astype(np.intp),
            n=_sum(inverse, self.n[keep], size),
            total=_sum(inverse, self.total[keep], size),
            squares=_sum(inverse, self.squares[keep], size),
            strata=self.strata,
        )

    def only(self, keep: Callable[[G], bool]) -> CellColumns[G]:
        """The cells of the groups `keep` accepts."""
        allowed = np.array([keep(g) for g in self.groups] or [False], dtype=bool)
        mask = allowed[self.group]
        return replace(
            self,
            group=self.group[mask],
            stratum=self.stratum[mask],
            n=self.n[mask],
            total=self.total[mask],
            squares=self.squares[mask],
        )

    def stratum_totals(self) -> tuple[Floats, Floats, Floats]:
        """n, sum and sum of squares of each stratum over every group."""
        return (
            _sum(self.stratum, self.n, self.strata),
            _sum(self.stratum, self.total, self.strata),
            _sum(self.stratum, self.squares, self.strata),
        )

    def mix(self) -> Floats:
        """Each stratum's share of the observations (`comparison.reference_weights`)."""
        n = _sum(self.stratum, self.n, self.strata)
        whole = n.sum()
        return n / whole if whole else n


def _scale(measure: Measure) -> float:
    return 100.0 if measure is Measure.NPS else 1.0


def interval_of(tally: Tally, measure: Measure) -> tuple[float, float] | None:
    """The 95 % interval on the measure's own scale (0..1, or -100..100 for NPS)."""
    if measure is Measure.NPS:
        promoters = round((tally.squares + tally.total) / 2)
        detractors = round((tally.squares - tally.total) / 2)
        return nps_interval(promoters, detractors, tally.n)
    return wilson_interval(round(tally.total), tally.n)


def _sum(codes: Codes, values: Floats, size: int) -> Floats:
    """`values` added up per code below `size` (floats, also when there is none)."""
    return np.bincount(codes, values, size).astype(np.float64, copy=False)


def _divide(top: Floats, bottom: Floats) -> Floats:
    out = np.zeros(top.shape, dtype=np.float64)
    np.divide(top, bottom, out=out, where=bottom > 0)
    return out


@dataclass(frozen=True)
class _Terms:
    """Per cell, the terms of a direct standardisation: weight, weight x mean, and
    weight^2 x variance / n (zero where the cell has no observation or no weight)."""

    weight: Floats
    mean: Floats
    variance: Floats

    @classmethod
    def of(cls, n: Floats, total: Floats, squares: Floats, weights: Floats) -> _Terms:
        present = (n > 0) & (weights > 0)
        w = np.where(present, weights, 0.0)
        mean = _divide(total, n)
        variance = np.maximum(_divide(squares, n) - mean * mean, 0.0)
        return cls(w, w * mean, w * w * _divide(variance, n))


def _standardised(weight: Floats, mean: Floats, variance: Floats) -> tuple[Floats, Floats]:
    """Means and variances once the weights are renormalised to those present."""
    return _divide(mean, weight), _divide(variance, weight * weight)


def league_table[G](
    cells: CellColumns[G],
    *,
    measure: Measure,
    min_n: int = DEFAULT_MIN_N,
    weights: Floats | None = None,
    max_pairs_groups: int = MAX_PAIRS_GROUPS,
) -> list[LeagueRow[G]]:
    """One row per group present, best standardised first; `weights` (per stratum code)
    default to the mix of `cells`."""
    present = sorted(set(np.unique(cells.group).tolist()))
    cells = cells.merged()
    mix = cells.mix() if weights is None else weights
    size = len(cells.groups)
    n = _sum(cells.group, cells.n, size)
    total = _sum(cells.group, cells.total, size)
    squares = _sum(cells.group, cells.squares, size)
    terms = _Terms.of(cells.n, cells.total, cells.squares, mix[cells.stratum])
    weight = _sum(cells.group, terms.weight, size)
    means, variances = _standardised(
        weight,
        _sum(cells.group, terms.mean, size),
        _sum(cells.group, terms.variance, size),
    )
    scale = _scale(measure)
    standardised: dict[int, Standardised] = {}
    rows: dict[int, LeagueRow[G]] = {}
    for code in present:
        group, count = cells.groups[code], int(n[code])
        value = scale * total[code] / count if count else None
        if count < min_n:
            rows[code] = LeagueRow(group, count, value)
            continue
        interval = interval_of(Tally(count, float(total[code]), float(squares[code])), measure)
        adjusted = None
        if weight[code] > 0:
            standardised[code] = Standardised(float(means[code]), float(variances[code]))
            adjusted = scale * float(means[code])
        rows[code] = LeagueRow(
            group,
            count,
            value,
            low=None if interval is None else interval[0],
            high=None if interval is None else interval[1],
            standardised=adjusted,
            enough=True,
        )
    higher: dict[int, list[G]] = {code: [] for code in rows}
    lower: dict[int, list[G]] = {code: [] for code in rows}
    versus_rest: dict[int, int] = {}
    if len(standardised) <= max_pairs_groups:
        for pair in compare_pairs(standardised):
            if pair.significant:
                above, below = (
                    (pair.first, pair.second) if pair.difference > 0 else (pair.second, pair.first)
                )
                higher[above].append(cells.groups[below])
                lower[below].append(cells.groups[above])
    else:
        versus_rest = _versus_rest(standardised, cells, mix)
    result = [
        LeagueRow(
            r.group,
            r.n,
            r.value,
            r.low,
            r.high,
            r.standardised,
            r.enough,
            tuple(higher[code]),
            tuple(lower[code]),
            versus_rest.get(code, 0),
        )
        for code, r in rows.items()
    ]
    return sorted(result, key=_rank)


def league_rows[G: Hashable, S: Hashable](
    cells: Mapping[tuple[G, S], Tally],
    *,
    measure: Measure,
    min_n: int = DEFAULT_MIN_N,
    weights: Mapping[S, float] | None = None,
    max_pairs_groups: int = MAX_PAIRS_GROUPS,
) -> list[LeagueRow[G]]:
    """`league_table` of tallies given as a mapping; `weights` by stratum."""
    strata: dict[S, int] = {}
    columns = CellColumns.of(cells, strata)
    mix = None
    if weights is not None:
        for stratum in weights:
            strata.setdefault(stratum, len(strata))
        columns = CellColumns(
            columns.groups,
            columns.group,
            columns.stratum,
            columns.n,
            columns.total,
            columns.squares,
            len(strata),
        )
        mix = np.array([weights.get(s, 0.0) for s in strata], dtype=np.float64)
    return league_table(
        columns, measure=measure, min_n=min_n, weights=mix, max_pairs_groups=max_pairs_groups
    )


def _rank(row: LeagueRow[object]) -> tuple[bool, float]:
    return (not row.enough, -(row.standardised if row.standardised is not None else -1e9))


def _versus_rest[G](
    standardised: Mapping[int, Standardised], cells: CellColumns[G], mix: Floats
) -> dict[int, int]:
    """Each group against all the other groups together (independent samples), Holm over them.

    The rest of group g in stratum s is the stratum's total less g's cell: the sums over every
    stratum's total are taken once, then each group's own cells replace their strata's terms.
    """
    n, total, squares = cells.stratum_totals()
    everyone = _Terms.of(n, total, squares, mix)
    own = cells.stratum
    rest = _Terms.of(
        n[own] - cells.n, total[own] - cells.total, squares[own] - cells.squares, mix[own]
    )
    size = len(cells.groups)

    def summed(whole: Floats, by_cell: Floats) -> Floats:
        return whole.sum() + _sum(cells.group, by_cell - whole[own], size)

    weight = summed(everyone.weight, rest.weight)
    means, variances = _standardised(
        weight, summed(everyone.mean, rest.mean), summed(everyone.variance, rest.variance)
    )
    tested: list[tuple[int, float, float]] = []
    for code, mine in standardised.items():
        if weight[code] <= 0:
            continue
        others = Standardised(float(means[code]), float(variances[code]))
        tested.append((code, mine.mean - others.mean, p_value_of(mine, others)))
    decisions = holm_rejections([p for _, _, p in tested])
    return {
        code: (1 if difference > 0 else -1)
        for (code, difference, _), significant in zip(tested, decisions, strict=True)
        if significant
    }
