"""The unready share of the bank's agents, calibrated on training days only (`bench.replay_bank`).

Not every agent present in the log was ready to take a call: after-call work, other tasks,
short absences. The log cannot say how much: measured while callers waited (`Fit`'s
`unready_bound`) it is an upper bound, since agents tend to be away precisely when a queue
builds up, and no unready time at all is the lower bound. So the share is one parameter θ,
calibrated:

1. every day is simulated once for each θ of a grid (`GRID`), with its own handling times
   and patience, which gives a matrix of figures per day and θ;
2. for a scored day, θ is the value that minimises the error (`error`) of the figures
   pooled over its training days (the other days, or the days before it), each day's
   figures interpolated linearly between the grid's points (`choose`).

The scored day never enters its own calibration: neither its figures nor its fits.

Unready time is not spread evenly over the day (lunch, breaks, meetings): θ is also chosen
for every period of the day (`BAND_S`, two hours) on the figures of the training days' calls
of that period (`choose_by_band`), the day's θ standing in for a period with too few calls.
The matrix runs one θ for the whole day, so a period's figures there carry the queue left
by the periods before it at that same θ: an approximation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

GRID = tuple(round(0.05 * step, 2) for step in range(10))  # 0 .. 0.45
FINE_STEP = 0.0025
#: The targets' tolerances (../shared/BENCHMARKS.md, issue 26): the error of a θ is counted
#: in these units, so that no figure weighs more than its target allows.
ASA_TOLERANCE = 0.15  # relative
ABANDON_TOLERANCE = 0.015  # points of the rate
SL20_TOLERANCE = 0.05

Figures = dict[str, float]  # served, abandoned, asa, sl20 of one day
BAND_S = 7200.0  # the periods of the day θ is calibrated for (`choose_by_band`)
MIN_BAND_CALLS = 300  # calls of a period over the training days, below which the day's θ
FIT_RULES = {
    "other-days": "every other day of the file",
    "days-before": "the days before the scored one",
}


def training_days(day: str, days: Iterable[str], rule: str) -> list[str]:
    """The days a scored day is fitted on: never itself; with `days-before`, earlier only."""
    return [d for d in days if d != day and (rule == "other-days" or d < day)]


class Totals:
    """Figures added up over days (and per priority class), actual beside simulated."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str], defaultdict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )

    def add(self, group: str, name: str, values: Mapping[str, float]) -> None:
        t = self.sums[group, name]
        t["served"] += values["served"]
        t["abandoned"] += values["abandoned"]
        t["wait"] += values["asa"] * values["served"]
        t["sl_weighted"] += values["sl20"] * (values["served"] + values["abandoned"])
        t["weight"] += values["served"] + values["abandoned"]

    def rate(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["abandoned"] / max(1.0, t["served"] + t["abandoned"])

    def asa(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["wait"] / max(1.0, t["served"])

    def sl20(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["sl_weighted"] / max(1.0, t["weight"])

    def figures(self, group: str, name: str) -> Figures:
        t = self.sums[group, name]
        return {
            "served": t["served"],
            "abandoned": t["abandoned"],
            "asa": self.asa(group, name),
            "sl20": self.sl20(group, name),
        }

    def by_class(self, classes: Iterable[int]) -> dict[str, dict[str, float]]:
        return {
            str(klass): {
                "asa_actual_s": round(self.asa(str(klass), "actual"), 1),
                "asa_simulated_s": round(self.asa(str(klass), "simulated"), 1),
                "sl20_actual": round(self.sl20(str(klass), "actual"), 4),
                "sl20_simulated": round(self.sl20(str(klass), "simulated"), 4),
                "abandon_rate_actual": round(self.rate(str(klass), "actual"), 4),
                "abandon_rate_simulated": round(self.rate(str(klass), "simulated"), 4),
            }
            for klass in classes
        }


def error(simulated: Iterable[Figures], actual: Iterable[Figures]) -> float:
    """How far simulated days are from the actual ones, pooled: the squared gaps of ASA,
    abandonment rate and SL20, each in units of its target's tolerance, added up."""
    totals = Totals()
    for values in simulated:
        totals.add("", "simulated", values)
    for values in actual:
        totals.add("", "actual", values)
    asa = totals.asa("", "actual")
    gaps = (
        (totals.asa("", "simulated") - asa) / (ASA_TOLERANCE * max(asa, 1.0)),
        (totals.rate("", "simulated") - totals.rate("", "actual")) / ABANDON_TOLERANCE,
        (totals.sl20("", "simulated") - totals.sl20("", "actual")) / SL20_TOLERANCE,
    )
    return sum(gap * gap for gap in gaps)


def at(row: Mapping[float, Figures], theta: float) -> Figures:
    """A day's figures at θ, interpolated linearly between the grid's two nearest points."""
    points = sorted(row)
    if theta <= points[0]:
        return dict(row[points[0]])
    for low, high in pairwise(points):
        if theta <= high:
            weight = (theta - low) / (high - low)
            return {
                name: (1 - weight) * row[low][name] + weight * row[high][name] for name in row[low]
            }
    return dict(row[points[-1]])


def choose(
    matrix: Mapping[str, Mapping[float, Figures]],
    actual: Mapping[str, Figures],
    days: Iterable[str],
) -> tuple[float, float]:
    """θ (and its error) that fits the given training days best, on a fine grid between the
    matrix's points; the days must all be in the matrix."""
    chosen = [day for day in days if day in matrix]
    if not chosen:
        raise ValueError("no training day to calibrate on")
    top = max(max(matrix[day]) for day in chosen)
    best = (0.0, float("inf"))
    for step in range(round(top / FINE_STEP) + 1):
        theta = round(step * FINE_STEP, 6)
        value = error((at(matrix[day], theta) for day in chosen), (actual[d] for d in chosen))
        if value < best[1]:
            best = (theta, value)
    return best


def choose_by_band(
    bands: Mapping[str, Mapping[float, Mapping[int, Figures]]],
    actual: Mapping[str, Mapping[int, Figures]],
    days: Sequence[str],
    fallback: float,
) -> dict[int, float]:
    """θ for every period of the day: the value that fits the training days' calls of that
    period best (`choose`), or `fallback` for a period with fewer than `MIN_BAND_CALLS`
    calls (served and abandoned) over those days."""
    chosen = [day for day in days if day in bands]
    periods = sorted({band for day in chosen for band in actual[day]})
    result: dict[int, float] = {}
    for band in periods:
        with_calls = [day for day in chosen if band in actual[day]]
        calls = sum(actual[d][band]["served"] + actual[d][band]["abandoned"] for d in with_calls)
        if calls < MIN_BAND_CALLS:
            result[band] = fallback
            continue
        empty: Figures = {"served": 0.0, "abandoned": 0.0, "asa": 0.0, "sl20": 0.0}
        matrix = {
            day: {theta: dict(row.get(band, empty)) for theta, row in bands[day].items()}
            for day in with_calls
        }
        result[band], _ = choose(matrix, {d: actual[d][band] for d in with_calls}, with_calls)
    return result
