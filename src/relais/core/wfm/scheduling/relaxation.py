"""The linear-relaxation bound of a :class:`LinearModel`, solved with HiGHS.

highspy is pinned to 1.12.0: newer releases clash with the HiGHS bundled in OR-Tools when
both live in one process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from relais.core.wfm.scheduling.linear import LinearModel


@dataclass(frozen=True, slots=True)
class Relaxation:
    status: str
    objective: float
    seconds: float
    values: tuple[float, ...]


def solve_relaxation(model: LinearModel, *, threads: int = 1) -> Relaxation:
    """Solve ``model`` with integrality dropped; its optimum bounds every integer solution."""
    began = time.perf_counter()
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = model.variables
    lp.num_row_ = len(model.rows)
    cost = np.zeros(model.variables)
    for index, coefficient in model.objective.items():
        cost[index] = coefficient
    lp.col_cost_ = cost
    lp.col_lower_ = np.asarray(model.lower, dtype=float)
    lp.col_upper_ = np.asarray(model.upper, dtype=float)
    lp.row_lower_ = np.array([-inf if r.lower is None else r.lower for r in model.rows], float)
    lp.row_upper_ = np.array([inf if r.upper is None else r.upper for r in model.rows], float)
    starts = np.zeros(len(model.rows) + 1, dtype=np.int32)
    np.cumsum([len(r.indices) for r in model.rows], out=starts[1:])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = model.variables
    lp.a_matrix_.num_row_ = len(model.rows)
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = np.fromiter(
        (i for r in model.rows for i in r.indices), dtype=np.int32, count=int(starts[-1])
    )
    lp.a_matrix_.value_ = np.fromiter(
        (c for r in model.rows for c in r.coefficients), dtype=float, count=int(starts[-1])
    )
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", threads)
    highs.setOptionValue("random_seed", 0)
    # Interior point without crossover: on these covering models it is ~10x faster than the
    # simplex, and the objective (not a vertex) is all the bound needs.
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("run_crossover", "off")
    highs.passModel(lp)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    if status != "Optimal":  # IPM without crossover may stop short of proving it: simplex
        highs.setOptionValue("solver", "simplex")
        highs.run()
        status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    values = tuple(float(v) for v in highs.getSolution().col_value)
    return Relaxation(
        status=status,
        objective=float(info.objective_function_value),
        seconds=time.perf_counter() - began,
        values=values,
    )
