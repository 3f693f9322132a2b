"""HiGHS on a :class:`LinearModel`: the linear-relaxation bound, and the integer model.

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


@dataclass(frozen=True, slots=True)
class MipResult:
    status: str
    objective: float | None
    """Best integer objective found (``None`` without a solution)."""
    dual_bound: float
    """HiGHS' proven lower bound on the integer optimum."""
    seconds: float
    values: tuple[int, ...]


def _highs(model: LinearModel, threads: int) -> highspy.Highs:
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
    highs.passModel(lp)
    return highs


def solve_relaxation(model: LinearModel, *, threads: int = 1, vertex: bool = False) -> Relaxation:
    """Solve ``model`` with integrality dropped; its optimum bounds every integer solution.

    Interior point: on these covering models it is ~10x faster than the simplex. Without
    ``vertex`` it stops before crossover (the objective is all a bound needs); with it, the
    solution is a vertex, whose support is small (the MIP searches around it)."""
    began = time.perf_counter()
    highs = _highs(model, threads)
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("run_crossover", "on" if vertex else "off")
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


def solve_mip(
    model: LinearModel,
    *,
    seconds: float,
    threads: int = 1,
    relative_gap: float = 1e-4,
    seed: int = 0,
    max_nodes: int | None = None,
    target: float | None = None,
    stall_seconds: float | None = None,
) -> MipResult:
    """Branch and bound with HiGHS on ``model``, every variable integer. It stops at
    ``seconds``, at ``relative_gap`` to its own bound, after ``max_nodes`` nodes, once a
    solution of objective ``<= target`` is found, or when the best solution has not improved
    for ``stall_seconds``."""
    began = time.perf_counter()
    highs = _highs(model, threads)
    size = model.variables
    highs.changeColsIntegrality(
        size,
        np.arange(size, dtype=np.int32),
        np.full(size, highspy.HighsVarType.kInteger),
    )
    highs.setOptionValue("time_limit", max(0.1, seconds))
    highs.setOptionValue("mip_rel_gap", relative_gap)
    highs.setOptionValue("random_seed", seed)
    if max_nodes is not None:
        highs.setOptionValue("mip_max_nodes", max_nodes)
    if target is not None or stall_seconds is not None:
        # best objective, when it was found, when the root node was done (the root's
        # heuristics often find a poor schedule first: a stall only counts after the root)
        best = [highspy.kHighsInf, 0.0, 0.0]

        def interrupt(event: highspy.cb.HighsCallbackEvent) -> None:
            primal = float(event.data_out.mip_primal_bound)
            now = time.perf_counter()
            if primal < best[0] - 1e-9:
                best[0:2] = [primal, now]
            if not best[2] and event.data_out.mip_node_count > 0:
                best[2] = now
            reached = target is not None and primal <= target + 1e-9
            stalled = (
                stall_seconds is not None
                and best[0] < highspy.kHighsInf
                and best[2] > 0
                and now - max(best[1], best[2]) > stall_seconds
            )
            if reached or stalled:
                event.interrupt()

        highs.cbMipInterrupt.subscribe(interrupt)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    found = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = tuple(round(v) for v in highs.getSolution().col_value) if found else ()
    return MipResult(
        status=status,
        objective=float(info.objective_function_value) if found else None,
        dual_bound=float(info.mip_dual_bound),
        seconds=time.perf_counter() - began,
        values=values,
    )
