"""A league table: groups side by side on one measure, with n, 95 % intervals, the mean
standardised to the common mix of strata and the pairs that differ after Holm's correction
(definitions in `relais.core.kpi.comparison`).

Groups below `min_n` observations are listed as "not enough answers": no interval, no
standardised mean, left out of the pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from relais.core.kpi.comparison import (
    Standardised,
    Tally,
    compare_pairs,
    nps_interval,
    reference_weights,
    standardise,
    wilson_interval,
)

DEFAULT_MIN_N = 30


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


def _scale(measure: Measure) -> float:
    return 100.0 if measure is Measure.NPS else 1.0


def interval_of(tally: Tally, measure: Measure) -> tuple[float, float] | None:
    """The 95 % interval on the measure's own scale (0..1, or -100..100 for NPS)."""
    if measure is Measure.NPS:
        promoters = round((tally.squares + tally.total) / 2)
        detractors = round((tally.squares - tally.total) / 2)
        return nps_interval(promoters, detractors, tally.n)
    return wilson_interval(round(tally.total), tally.n)


def league_rows[G: Hashable, S: Hashable](
    cells: Mapping[tuple[G, S], Tally],
    *,
    measure: Measure,
    min_n: int = DEFAULT_MIN_N,
    weights: Mapping[S, float] | None = None,
) -> list[LeagueRow[G]]:
    """One row per group, best standardised first; `weights` default to the mix of `cells`."""
    by_group: dict[G, dict[S, Tally]] = defaultdict(dict)
    by_stratum: dict[S, Tally] = defaultdict(Tally)
    for (group, stratum), tally in cells.items():
        strata = by_group[group]
        strata[stratum] = strata.get(stratum, Tally()) + tally
        by_stratum[stratum] += tally
    mix = weights if weights is not None else reference_weights(by_stratum)
    scale = _scale(measure)
    standardised: dict[G, Standardised] = {}
    rows: dict[G, LeagueRow[G]] = {}
    for group, strata in by_group.items():
        tally = sum(strata.values(), Tally())
        mean = tally.mean
        enough = tally.n >= min_n
        row = LeagueRow(group, tally.n, None if mean is None else scale * mean)
        if enough:
            interval = interval_of(tally, measure)
            adjusted = standardise(strata, mix)
            if adjusted is not None:
                standardised[group] = adjusted
            row = LeagueRow(
                group,
                tally.n,
                row.value,
                low=None if interval is None else interval[0],
                high=None if interval is None else interval[1],
                standardised=None if adjusted is None else scale * adjusted.mean,
                enough=True,
            )
        rows[group] = row
    higher: dict[G, list[G]] = defaultdict(list)
    lower: dict[G, list[G]] = defaultdict(list)
    for pair in compare_pairs(standardised):
        if pair.significant:
            above, below = (
                (pair.first, pair.second) if pair.difference > 0 else (pair.second, pair.first)
            )
            higher[above].append(below)
            lower[below].append(above)
    result = [
        LeagueRow(
            r.group,
            r.n,
            r.value,
            r.low,
            r.high,
            r.standardised,
            r.enough,
            tuple(higher[r.group]),
            tuple(lower[r.group]),
        )
        for r in rows.values()
    ]
    return sorted(result, key=_rank)


def _rank(row: LeagueRow[object]) -> tuple[bool, float]:
    return (not row.enough, -(row.standardised if row.standardised is not None else -1e9))
