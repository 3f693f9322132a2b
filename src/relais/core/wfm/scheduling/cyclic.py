"""The classic cyclic covering problem: fewest fixed-length shifts covering a daily demand.

Shifts may start at any interval and wrap around the end of the cycle (midnight).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from relais.core.wfm.scheduling.linear import LinearModel
from relais.core.wfm.scheduling.relaxation import solve_relaxation
from relais.core.wfm.scheduling.solver import STATUS_NAMES, SolverSettings, solve_cp_sat


@dataclass(frozen=True, slots=True)
class CyclicCover:
    status: str
    shifts: int
    starts: tuple[int, ...]
    """Shifts starting at each interval of the cycle."""
    coverage: tuple[int, ...]
    bound: float
    """The linear-relaxation optimum (fractional shifts)."""


def cover_cyclic_demand(
    demand: Sequence[int], shift_length: int, settings: SolverSettings | None = None
) -> CyclicCover:
    """Minimum number of ``shift_length``-interval shifts so that coverage >= demand."""
    cycle = len(demand)
    if not 0 < shift_length <= cycle or min(demand, default=0) < 0:
        raise ValueError("need 0 < shift_length <= len(demand) and a non-negative demand")
    settings = settings or SolverSettings(max_seconds=10.0)
    model = LinearModel()
    upper = max(demand, default=0)
    starts = [model.add_var(0, upper, cost=1) for _ in range(cycle)]
    for interval, need in enumerate(demand):
        covering = [starts[(interval - offset) % cycle] for offset in range(shift_length)]
        model.add_row(covering, [1] * shift_length, lower=need)
    relaxation = solve_relaxation(model)
    solver, variables, status = solve_cp_sat(
        model, settings, math.ceil(relaxation.objective - 1e-6)
    )
    counts = tuple(solver.value(v) for v in variables)
    coverage = tuple(
        sum(counts[(interval - offset) % cycle] for offset in range(shift_length))
        for interval in range(cycle)
    )
    return CyclicCover(STATUS_NAMES[status], sum(counts), counts, coverage, relaxation.objective)
