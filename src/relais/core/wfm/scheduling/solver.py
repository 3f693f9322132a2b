"""Solve the scheduling model with OR-Tools CP-SAT and decode a :class:`Schedule`."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from relais.core.wfm.scheduling.formulation import Formulation, Profile, formulate
from relais.core.wfm.scheduling.heuristic import hint_values, warmstart
from relais.core.wfm.scheduling.linear import LinearModel
from relais.core.wfm.scheduling.model import SchedulingProblem
from relais.core.wfm.scheduling.relaxation import solve_relaxation
from relais.core.wfm.scheduling.schedule import (
    GroupCoverage,
    Schedule,
    ScheduledBreak,
    Shift,
    SolveReport,
)


class SchedulingError(Exception):
    """The solver found no schedule (infeasible input, or no solution within the limits)."""


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT settings. With ``deterministic`` the search is interleaved and limited by
    deterministic time, so the same input gives the same schedule on any machine load;
    otherwise ``max_seconds`` of wall-clock time bound the portfolio search."""

    max_seconds: float = 60.0
    num_workers: int = 2
    random_seed: int = 7
    relative_gap: float = 0.005
    deterministic: bool = False
    max_deterministic_time: float = 60.0
    relaxation_cut: bool = True
    """Add ``objective >= ceil(LP bound)`` so that CP-SAT knows the bound and can stop."""
    warmstart_seconds: float = 15.0
    """Budget of the agent-by-agent best-response heuristic whose schedule CP-SAT starts
    from (0 disables it)."""


STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


def solve_schedule(problem: SchedulingProblem, settings: SolverSettings | None = None) -> Schedule:
    """Build the model, bound it by its linear relaxation, and solve it with CP-SAT."""
    settings = settings or SolverSettings()
    began = time.perf_counter()
    form = formulate(problem)
    relaxation = solve_relaxation(form.model)
    if relaxation.status != "Optimal":
        raise SchedulingError(f"linear relaxation ended with status {relaxation.status}")
    bound = relaxation.objective
    cut = math.ceil(bound - 1e-6) if settings.relaxation_cut else None
    hint = None
    if settings.warmstart_seconds > 0:
        start = warmstart(form, seconds=settings.warmstart_seconds, seed=settings.random_seed)
        hint = hint_values(form, start)
    spent = time.perf_counter() - began
    remaining = SolverSettings(
        max_seconds=max(1.0, settings.max_seconds - spent),
        num_workers=settings.num_workers,
        random_seed=settings.random_seed,
        relative_gap=settings.relative_gap,
        deterministic=settings.deterministic,
        max_deterministic_time=settings.max_deterministic_time,
    )
    solver, variables, status = solve_cp_sat(form.model, remaining, cut, hint)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SchedulingError(f"CP-SAT found no schedule (status {STATUS_NAMES[status]})")
    values = [solver.value(v) for v in variables]
    objective = float(solver.objective_value)
    report = SolveReport(
        status=STATUS_NAMES[status],
        objective=objective,
        bound=bound,
        gap_pct=relative_gap_pct(objective, bound),
        solver_bound=float(solver.best_objective_bound),
        seconds=time.perf_counter() - began,
        relaxation_seconds=relaxation.seconds,
        variables=form.model.variables,
        constraints=len(form.model.rows),
    )
    return decode(form, values, report)


def relative_gap_pct(objective: float, bound: float) -> float:
    """``100 * (objective - bound) / objective`` (0 when the objective is 0)."""
    if abs(objective) < 1e-9:
        return 0.0
    return 100.0 * (objective - bound) / abs(objective)


def solve_cp_sat(
    model: LinearModel,
    settings: SolverSettings,
    cut: int | None,
    hint: list[int] | None = None,
) -> tuple[cp_model.CpSolver, list[cp_model.IntVar], cp_model.CpSolverStatus]:
    """Solve ``model`` with CP-SAT, optionally starting from ``hint`` (one value a variable)."""
    cp = cp_model.CpModel()
    variables = [
        cp.new_bool_var("") if (lo, hi) == (0, 1) else cp.new_int_var(lo, hi, "")
        for lo, hi in zip(model.lower, model.upper, strict=True)
    ]
    for row in model.rows:
        expression = cp_model.LinearExpr.weighted_sum(
            [variables[i] for i in row.indices], row.coefficients
        )
        lower = cp_model.INT_MIN if row.lower is None else row.lower
        upper = cp_model.INT_MAX if row.upper is None else row.upper
        cp.add_linear_constraint(expression, lower, upper)
    indices = sorted(model.objective)
    objective = cp_model.LinearExpr.weighted_sum(
        [variables[i] for i in indices], [model.objective[i] for i in indices]
    )
    if cut is not None and cut > 0:
        cp.add(objective >= cut)
    cp.minimize(objective)
    if hint is not None:
        for variable, value in zip(variables, hint, strict=True):
            cp.add_hint(variable, value)
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = max(1, min(settings.num_workers, 2))
    parameters.random_seed = settings.random_seed
    parameters.relative_gap_limit = settings.relative_gap
    if settings.deterministic:
        parameters.interleave_search = parameters.num_workers > 1
        parameters.max_deterministic_time = settings.max_deterministic_time
    else:
        parameters.max_time_in_seconds = settings.max_seconds
    status = solver.solve(cp)
    return solver, variables, status


def decode(form: Formulation, values: list[int], report: SolveReport) -> Schedule:
    """Turn variable values into shifts (breaks handed out in start order) and coverage."""
    problem = form.problem
    chosen: dict[tuple[str, int], list[str]] = defaultdict(list)
    profile_of = {a.id: p for p, agents in form.profiles.items() for a in agents}
    for (agent_id, k), index in form.x.items():
        if values[index]:
            chosen[(agent_id, k)].append(agent_id)
    by_profile: dict[tuple[Profile, int], list[str]] = defaultdict(list)
    for agent_id, k in sorted(chosen):
        by_profile[(profile_of[agent_id], k)].append(agent_id)
    positions: dict[tuple[Profile, int, int], list[int]] = defaultdict(list)
    for (profile, k, s, b), index in sorted(form.z.items(), key=lambda item: item[0][1:]):
        positions[(profile, k, s)].extend([b] * values[index])
    shifts: list[Shift] = []
    for (profile, k), agent_ids in by_profile.items():
        site = profile[0]
        candidate = form.candidates[site][k]
        for rank, agent_id in enumerate(agent_ids):
            breaks = tuple(
                ScheduledBreak(
                    slot.name,
                    positions[(profile, k, s)][rank],
                    positions[(profile, k, s)][rank] + slot.length,
                    slot.paid,
                )
                for s, slot in enumerate(candidate.breaks)
            )
            shifts.append(
                Shift(
                    agent_id,
                    site,
                    candidate.template,
                    candidate.day,
                    candidate.start,
                    candidate.end,
                    breaks,
                )
            )
    shifts.sort(key=lambda shift: (shift.agent_id, shift.start))
    staffed: dict[str, list[int]] = {
        req.group: [0] * problem.week.intervals for req in problem.requirements
    }
    for (_, group, t), index in form.y.items():
        staffed[group][t] += values[index]
    coverage = tuple(
        GroupCoverage(req.group, req.agents, tuple(staffed[req.group]))
        for req in problem.requirements
    )
    return Schedule(problem.week, tuple(shifts), coverage, report)
