"""A first schedule for CP-SAT to improve: agent-by-agent best response.

Each agent in turn gets the week of shifts that best fills what the others leave uncovered:
the value of working an interval is the weighted under-staffing it removes (or minus the
over-staffing it adds), breaks go where they cost least, and the agent's own rules (one
shift a day, rest, days and paid hours per week, availability) are solved exactly by a
small CP-SAT model. Passes repeat until nothing improves or the time budget is spent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from relais.core.wfm.scheduling.formulation import Formulation, Profile

IntArray = NDArray[np.int64]


@dataclass(slots=True)
class _AgentModel:
    agent_id: str
    profile: int
    keys: list[int]
    model: cp_model.CpModel
    picks: list[cp_model.IntVar]


@dataclass(slots=True)
class Warmstart:
    """Chosen candidate and break starts per agent, and the resulting allocation."""

    shifts: dict[str, list[tuple[int, tuple[int, ...]]]]
    allocation: IntArray
    """``allocation[p, g, t]``: agents of profile ``p`` counted towards group ``g`` at ``t``."""
    objective: int
    passes: int


def warmstart(form: Formulation, *, seconds: float, seed: int = 7) -> Warmstart:
    began = time.perf_counter()
    problem = form.problem
    horizon = problem.week.intervals
    groups = [req.group for req in problem.requirements]
    required = np.array([req.agents for req in problem.requirements], dtype=np.int64)
    under_w = np.array([req.under_weight for req in problem.requirements], dtype=np.int64)
    over_w = np.array([req.over_weight for req in problem.requirements], dtype=np.int64)
    profiles: list[Profile] = sorted(form.profiles, key=lambda p: (len(p[1]), p[0], sorted(p[1])))
    eligible = [[groups.index(g) for g in sorted(p[1])] for p in profiles]
    models = [
        _agent_model(form, profiles.index(p), a.id) for p in profiles for a in form.profiles[p]
    ]
    order = np.random.default_rng(seed).permutation(len(models))
    working = np.zeros((len(profiles), horizon), dtype=np.int64)
    chosen: dict[str, list[tuple[int, tuple[int, ...]]]] = {m.agent_id: [] for m in models}
    masks: dict[str, IntArray] = {m.agent_id: np.zeros(horizon, dtype=np.int64) for m in models}

    def allocate(counts: IntArray) -> IntArray:
        allocation = np.zeros((len(profiles), len(groups), horizon), dtype=np.int64)
        left = required.copy()
        for p, gs in enumerate(eligible):
            rest = counts[p].copy()
            for g in sorted(gs, key=lambda g: -under_w[g]):
                take = np.minimum(rest, np.maximum(left[g], 0))
                allocation[p, g] += take
                left[g] -= take
                rest -= take
            cheapest = min(gs, key=lambda g: over_w[g])
            allocation[p, cheapest] += rest
            left[cheapest] -= rest
        return allocation

    def interval_cost(allocation: IntArray) -> IntArray:
        gap = required - allocation.sum(axis=0)
        under = np.maximum(gap, 0) * under_w[:, None]
        over = np.maximum(-gap, 0) * over_w[:, None]
        result: IntArray = (under + over).sum(axis=0)
        return result

    def cost(allocation: IntArray) -> int:
        return int(interval_cost(allocation).sum())

    site_arrays = {site: _candidate_arrays(form, site) for site in form.candidates}

    def respond(agent: _AgentModel) -> None:
        """Replace the agent's week by its best response to everybody else's."""
        working[agent.profile] -= masks[agent.agent_id]
        # The exact value of one more agent of this profile at each interval, the others
        # re-allocated (a multi-skilled agent may free another for a scarcer group).
        without = interval_cost(allocate(working))
        working[agent.profile] += 1
        gain = without - interval_cost(allocate(working))
        working[agent.profile] -= 1
        site = profiles[agent.profile][0]
        values, breaks = _candidate_values(site_arrays[site], gain)
        chosen[agent.agent_id] = [(k, breaks[k]) for k in _best_week(agent, values)]
        mask = np.zeros(horizon, dtype=np.int64)
        for k, starts in chosen[agent.agent_id]:
            candidate = form.candidates[site][k]
            mask[candidate.start : candidate.end] += 1
            for slot, start in zip(candidate.breaks, starts, strict=True):
                mask[start : start + slot.length] -= 1
        masks[agent.agent_id] = mask
        working[agent.profile] += mask

    def out_of_time() -> bool:
        return time.perf_counter() - began >= seconds

    best = cost(allocate(working)) + 1
    passes = 0
    while not out_of_time():  # best-response passes until nobody improves
        passes += 1
        for index in order:
            respond(models[index])
            if out_of_time():
                break
        current = cost(allocate(working))
        if current >= best:
            break
        best = current
    best = cost(allocate(working))
    rng = np.random.default_rng(seed)
    ruin = max(2, len(models) // 12)
    while not out_of_time():  # ruin and recreate: free a few agents, re-insert, keep if better
        picked = [
            models[i] for i in rng.choice(len(models), size=min(ruin, len(models)), replace=False)
        ]
        saved = (
            {m.agent_id: chosen[m.agent_id] for m in picked},
            {m.agent_id: masks[m.agent_id] for m in picked},
            working.copy(),
        )
        for agent in picked:
            working[agent.profile] -= masks[agent.agent_id]
            masks[agent.agent_id] = np.zeros(horizon, dtype=np.int64)
            chosen[agent.agent_id] = []
        for agent in picked + picked:
            respond(agent)
        current = cost(allocate(working))
        if current <= best:
            best = current
        else:
            chosen.update(saved[0])
            masks.update(saved[1])
            working[:] = saved[2]
    allocation = allocate(working)
    ordered = {profile: i for i, profile in enumerate(profiles)}
    reordered = np.zeros_like(allocation)
    for profile, i in ordered.items():
        reordered[list(form.profiles).index(profile)] = allocation[i]
    return Warmstart(chosen, reordered, cost(allocation), passes)


def _agent_model(form: Formulation, profile: int, agent_id: str) -> _AgentModel:
    keys = sorted(k for (a, k) in form.x if a == agent_id)
    model = cp_model.CpModel()
    picks = [model.new_bool_var("") for _ in keys]
    lookup = {form.x[(agent_id, k)]: i for i, k in enumerate(keys)}
    for number in form.agent_rows[agent_id]:
        row = form.model.rows[number]
        expression = cp_model.LinearExpr.weighted_sum(
            [picks[lookup[i]] for i in row.indices], row.coefficients
        )
        lower = cp_model.INT_MIN if row.lower is None else row.lower
        upper = cp_model.INT_MAX if row.upper is None else row.upper
        model.add_linear_constraint(expression, lower, upper)
    return _AgentModel(agent_id, profile, keys, model, picks)


def _best_week(agent: _AgentModel, values: IntArray) -> list[int]:
    objective = cp_model.LinearExpr.weighted_sum(agent.picks, [int(values[k]) for k in agent.keys])
    agent.model.maximize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    status = solver.solve(agent.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [k for k, pick in zip(agent.keys, agent.picks, strict=True) if solver.value(pick)]


@dataclass(frozen=True, slots=True)
class _Arrays:
    starts: IntArray
    ends: IntArray
    slots: list[tuple[IntArray, IntArray, IntArray]]
    """Per break slot: candidate indices, break length, padded start positions."""


def _candidate_arrays(form: Formulation, site: str) -> _Arrays:
    candidates = form.candidates[site]
    starts = np.array([c.start for c in candidates], dtype=np.int64)
    ends = np.array([c.end for c in candidates], dtype=np.int64)
    slots = []
    for s in range(max((len(c.breaks) for c in candidates), default=0)):
        having = [k for k, c in enumerate(candidates) if len(c.breaks) > s]
        width = max(len(candidates[k].breaks[s].starts) for k in having)
        positions = np.array(
            [
                list(candidates[k].breaks[s].starts)
                + [candidates[k].breaks[s].starts[0]]
                * (width - len(candidates[k].breaks[s].starts))
                for k in having
            ],
            dtype=np.int64,
        )
        lengths = np.array([candidates[k].breaks[s].length for k in having], dtype=np.int64)
        slots.append((np.array(having, dtype=np.int64), lengths, positions))
    return _Arrays(starts, ends, slots)


def _candidate_values(arrays: _Arrays, gain: IntArray) -> tuple[IntArray, list[tuple[int, ...]]]:
    prefix = np.concatenate([[0], np.cumsum(gain)])
    values = prefix[arrays.ends] - prefix[arrays.starts]
    chosen: list[list[int]] = [[] for _ in range(len(values))]
    for having, lengths, positions in arrays.slots:
        loss = prefix[positions + lengths[:, None]] - prefix[positions]
        best = np.argmin(loss, axis=1)
        values[having] -= loss[np.arange(len(having)), best]
        for k, position in zip(
            having.tolist(), positions[np.arange(len(having)), best].tolist(), strict=True
        ):
            chosen[k].append(position)
    return values, [tuple(c) for c in chosen]


def hint_values(form: Formulation, start: Warmstart) -> list[int]:
    """A value for every model variable, consistent with the warm start's shifts."""
    values = [0] * form.model.variables
    profile_of = {a.id: p for p, agents in form.profiles.items() for a in agents}
    for agent_id, shifts in start.shifts.items():
        profile = profile_of[agent_id]
        for k, starts in shifts:
            values[form.x[(agent_id, k)]] = 1
            values[form.n[(profile, k)]] += 1
            for s, b in enumerate(starts):
                values[form.z[(profile, k, s, b)]] += 1
    groups = [req.group for req in form.problem.requirements]
    profiles = list(form.profiles)
    staffed = start.allocation.sum(axis=0)
    for (profile, group, t), index in form.y.items():
        values[index] = int(start.allocation[profiles.index(profile), groups.index(group), t])
    for req_index, req in enumerate(form.problem.requirements):
        for t in range(form.problem.week.intervals):
            if (req.group, t) in form.under:
                gap = req.agents[t] - int(staffed[req_index, t])
                values[form.under[(req.group, t)]] = max(gap, 0)
                values[form.over[(req.group, t)]] = max(-gap, 0)
    return values


def violated_rows(form: Formulation, values: list[int]) -> int:
    """How many rows ``values`` break (0 for a consistent hint)."""
    broken = 0
    for row in form.model.rows:
        total = sum(c * values[i] for i, c in zip(row.indices, row.coefficients, strict=True))
        if (row.lower is not None and total < row.lower) or (
            row.upper is not None and total > row.upper
        ):
            broken += 1
    return broken
