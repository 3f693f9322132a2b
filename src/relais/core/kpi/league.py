"""A league table: groups side by side on one measure, with n, 95 % intervals, the mean
standardised to the common mix of strata and the pairs that differ after Holm's correction
(definitions in `relais.core.kpi.comparison`).

With more than `max_pairs_groups` groups (agents, say: 500 make 124,750 pairs) each group is
compared with all the others together instead (m tests, Holm over them): `versus_rest` is +1
when it is significantly above the rest, -1 below, 0 otherwise.

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
    holm_rejections,
    nps_interval,
    p_value_of,
    reference_weights,
    standardise,
    wilson_interval,
)

DEFAULT_MIN_N = 30
MAX_PAIRS_GROUPS = 12


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
    max_pairs_groups: int = MAX_PAIRS_GROUPS,
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
    versus_rest: dict[G, int] = {}
    if len(standardised) <= max_pairs_groups:
        for pair in compare_pairs(standardised):
            if pair.significant:
                above, below = (
                    (pair.first, pair.second) if pair.difference > 0 else (pair.second, pair.first)
                )
                higher[above].append(below)
                lower[below].append(above)
    else:
        versus_rest = _versus_rest(standardised, by_group, by_stratum, mix)
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
            versus_rest.get(r.group, 0),
        )
        for r in rows.values()
    ]
    return sorted(result, key=_rank)


def _rank(row: LeagueRow[object]) -> tuple[bool, float]:
    return (not row.enough, -(row.standardised if row.standardised is not None else -1e9))


def _versus_rest[G: Hashable, S: Hashable](
    standardised: Mapping[G, Standardised],
    by_group: Mapping[G, Mapping[S, Tally]],
    by_stratum: Mapping[S, Tally],
    mix: Mapping[S, float],
) -> dict[G, int]:
    """Each group against all the other groups together (independent samples), Holm over them."""
    tested: list[tuple[G, float, float]] = []
    for group, own in standardised.items():
        strata = by_group[group]
        rest = {s: total - strata.get(s, Tally()) for s, total in by_stratum.items()}
        others = standardise(rest, mix)
        if others is not None:
            tested.append((group, own.mean - others.mean, p_value_of(own, others)))
    decisions = holm_rejections([p for _, _, p in tested])
    return {
        group: (1 if difference > 0 else -1)
        for (group, difference, _), significant in zip(tested, decisions, strict=True)
        if significant
    }
