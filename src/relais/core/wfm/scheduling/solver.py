"""Solve the scheduling problem: LP bound, HiGHS MIP around the LP, CP-SAT polish, decode.

1. The roster model (:mod:`rosters`) and its linear relaxation (HiGHS): the bound.
2. HiGHS branch and bound on the same model restricted to the roster arcs the LP uses
   (a relaxation-induced neighbourhood: the flows stay a network, so it is never empty).
3. If the schedule is still above the target gap, CP-SAT on the whole model from it, in the
   time left.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from relais.core.wfm.scheduling.formulation import Formulation, Profile
from relais.core.wfm.scheduling.linear import LinearModel
from relais.core.wfm.scheduling.model import SchedulingProblem
from relais.core.wfm.scheduling.relaxation import solve_mip, solve_relaxation
from relais.core.wfm.scheduling.rosters import decompose, formulate_rosters
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
    """Solver settings. ``max_seconds`` of wall-clock time bound the whole solve; the search
    stops early once the schedule is within ``relative_gap`` of the LP bound.

    With ``deterministic``, HiGHS is limited by nodes (``mip_max_nodes``) and CP-SAT by
    deterministic time, so the same input gives the same schedule whatever the machine load
    (unless ``max_seconds``, kept as a safety net, runs out first)."""

    max_seconds: float = 60.0
    num_workers: int = 2
    random_seed: int = 7
    relative_gap: float = 0.005
    deterministic: bool = False
    max_deterministic_time: float = 60.0
    relaxation_cut: bool = True
    """Give CP-SAT ``objective >= ceil(LP bound)`` so that it knows the bound and can stop."""
    mip_share: float = 0.8
    """Share of the time left after the LP given to the HiGHS MIP (CP-SAT gets the rest)."""
    mip_max_nodes: int = 2000
    """Node limit of the HiGHS MIP when ``deterministic``."""
    stall_seconds: float = 10.0
    """Stop the HiGHS MIP when its best schedule has not improved for this long (ignored
    when ``deterministic``)."""
    warmstart_seconds: float = 0.0
    """Ignored (the agent-by-agent heuristic it budgeted was replaced by the MIP around the
    LP); kept so that existing callers keep working."""


STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


#: The phases a solve reports to ``progress``, with the share of the work done at their start.
PHASES = {"model": 0.0, "bound": 0.1, "search": 0.25, "polish": 0.75, "decode": 0.95}

Progress = Callable[[str, float], None]


def solve_schedule(
    problem: SchedulingProblem,
    settings: SolverSettings | None = None,
    progress: Progress | None = None,
) -> Schedule:
    """Build the roster model, bound it by its linear relaxation, and search near the LP.

    ``progress(phase, share)`` is called at the start of each phase of :data:`PHASES` (the
    solvers report nothing in between)."""
    settings = settings or SolverSettings()
    began = time.perf_counter()

    def phase(name: str) -> None:
        if progress is not None:
            progress(name, PHASES[name])

    def left() -> float:
        return settings.max_seconds - (time.perf_counter() - began)

    phase("model")
    rosters = formulate_rosters(problem)
    model = rosters.form.model
    phase("bound")
    relaxation = solve_relaxation(model, vertex=True)
    if relaxation.status != "Optimal":
        raise SchedulingError(f"linear relaxation ended with status {relaxation.status}")
    bound = relaxation.objective
    flows = [flow for kind in rosters.types for flow in kind.flows]
    restricted = replace(model, upper=list(model.upper))
    for flow in flows:
        if relaxation.values[flow] < 1e-6:
            restricted.upper[flow] = 0
    phase("search")
    mip = solve_mip(
        restricted,
        seconds=max(0.5, settings.mip_share * left()),
        relative_gap=settings.relative_gap,
        seed=settings.random_seed,
        max_nodes=settings.mip_max_nodes if settings.deterministic else None,
        target=bound / (1 - settings.relative_gap) if settings.relative_gap < 1 else None,
        stall_seconds=None if settings.deterministic else settings.stall_seconds,
    )
    values = list(mip.values) if mip.objective is not None else None
    objective = mip.objective
    if values is not None and objective is not None:
        objective, values = _replace_breaks(model, flows, values, objective, left(), settings)
    status = "feasible"
    solver_bound = bound
    above = objective is None or relative_gap_pct(objective, bound) > 100 * settings.relative_gap
    if objective is None or (above and left() >= 1.0):
        phase("polish")
        cut = math.ceil(bound - 1e-6) if settings.relaxation_cut else None
        polish = replace(settings, max_seconds=max(1.0, left()))
        solver, variables, cp_status = solve_cp_sat(model, polish, cut, values)
        if cp_status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
            objective is None or solver.objective_value <= objective
        ):
            values = [solver.value(v) for v in variables]
            objective = float(solver.objective_value)
            status = STATUS_NAMES[cp_status]
        solver_bound = max(bound, float(solver.best_objective_bound))
    if values is None or objective is None:
        raise SchedulingError(f"no schedule found (HiGHS status {mip.status})")
    phase("decode")
    weeks: dict[str, list[int]] = {}
    for kind in rosters.types:
        weeks.update(decompose(kind, values))
    schedule = decode_weeks(rosters.form, weeks, values, _PENDING)
    # The schedule's own weighted gaps (a time-limited solution may leave both gap
    # variables of an interval positive; the schedule is then better than the model says).
    objective = min(objective, staffing_cost(problem, schedule))
    if objective <= math.ceil(bound - 1e-6):
        status = "optimal"
    report = SolveReport(
        status=status,
        objective=objective,
        bound=bound,
        gap_pct=relative_gap_pct(objective, bound),
        solver_bound=solver_bound,
        seconds=time.perf_counter() - began,
        relaxation_seconds=relaxation.seconds,
        variables=model.variables,
        constraints=len(model.rows),
    )
    return replace(schedule, report=report)


_PENDING = SolveReport("pending", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0)


def staffing_cost(problem: SchedulingProblem, schedule: Schedule) -> float:
    """The objective of a schedule: weighted under- and over-staffing of every group."""
    return float(
        sum(
            req.under_weight * sum(coverage.under) + req.over_weight * sum(coverage.over)
            for req, coverage in zip(problem.requirements, schedule.coverage, strict=True)
        )
    )


def _replace_breaks(
    model: LinearModel,
    flows: list[int],
    values: list[int],
    objective: float,
    seconds: float,
    settings: SolverSettings,
) -> tuple[float, list[int]]:
    """Keep every agent's week and re-solve breaks and group allocation exactly.

    A time-limited MIP often leaves them short of their best for its own rosters (on the
    150-agent bench, 10,548 -> 10,492); with the rosters fixed the rest solves in seconds."""
    if seconds < 0.5:
        return objective, values
    fixed = replace(model, lower=list(model.lower), upper=list(model.upper))
    for flow in flows:
        fixed.lower[flow] = fixed.upper[flow] = values[flow]
    result = solve_mip(
        fixed,
        seconds=min(seconds, settings.mip_share * settings.max_seconds / 4),
        seed=settings.random_seed,
        max_nodes=settings.mip_max_nodes if settings.deterministic else None,
    )
    if result.objective is None or result.objective >= objective:
        return objective, values
    return result.objective, list(result.values)


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
    """Turn variable values of the per-agent model into a :class:`Schedule`."""
    weeks: dict[str, list[int]] = defaultdict(list)
    for (agent_id, k), index in form.x.items():
        if values[index]:
            weeks[agent_id].append(k)
    return decode_weeks(form, weeks, values, report)


def decode_weeks(
    form: Formulation, weeks: dict[str, list[int]], values: list[int], report: SolveReport
) -> Schedule:
    """Shifts from each agent's candidates; breaks (``z``) handed out in start order to the
    agents of a profile on a shift, sorted by id; coverage from the allocation ``y``."""
    problem = form.problem
    profile_of = {a.id: p for p, agents in form.profiles.items() for a in agents}
    by_profile: dict[tuple[Profile, int], list[str]] = defaultdict(list)
    for agent_id, k in sorted((a, k) for a, ks in weeks.items() for k in ks):
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
