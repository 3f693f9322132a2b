"""The integer model behind :func:`solve_schedule`.

Variables (all integers):

- ``x[a, k]`` in {0, 1}: agent ``a`` works candidate shift ``k`` (start, span, day);
- ``n[p, k]``: how many agents of profile ``p`` (site + eligible groups) work ``k``;
- ``z[p, k, s, b]``: how many of them take break slot ``s`` starting at ``b``
  (breaks are placed in aggregate, then handed out to agents when decoding);
- ``y[p, g, t]``: agents of ``p`` working at ``t`` and counted towards group ``g``;
- ``under[g, t]``, ``over[g, t]``: staffing gaps, weighted in the objective.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from relais.core.wfm.scheduling.candidates import Candidate, site_candidates
from relais.core.wfm.scheduling.linear import LinearModel
from relais.core.wfm.scheduling.model import Agent, SchedulingProblem

Profile = tuple[str, frozenset[str]]


@dataclass(slots=True)
class Formulation:
    problem: SchedulingProblem
    model: LinearModel
    candidates: dict[str, list[Candidate]]
    profiles: dict[Profile, list[Agent]]
    x: dict[tuple[str, int], int] = field(default_factory=dict)
    n: dict[tuple[Profile, int], int] = field(default_factory=dict)
    z: dict[tuple[Profile, int, int, int], int] = field(default_factory=dict)
    y: dict[tuple[Profile, str, int], int] = field(default_factory=dict)
    under: dict[tuple[str, int], int] = field(default_factory=dict)
    over: dict[tuple[str, int], int] = field(default_factory=dict)
    agent_rows: dict[str, range] = field(default_factory=dict)
    """Rows that involve only one agent's ``x`` (its own rules)."""


def formulate(problem: SchedulingProblem) -> Formulation:
    problem.validate()
    candidates = {site.name: site_candidates(problem.week, site) for site in problem.sites}
    profiles: dict[Profile, list[Agent]] = defaultdict(list)
    for agent in problem.agents:
        groups = frozenset(req.group for req in problem.requirements if req.admits(agent))
        profiles[(agent.site, groups)].append(agent)
    form = Formulation(problem, LinearModel(), candidates, dict(profiles))
    for agent in problem.agents:
        first = len(form.model.rows)
        _agent_shifts(form, agent)
        form.agent_rows[agent.id] = range(first, len(form.model.rows))
    for profile, agents in form.profiles.items():
        _profile_breaks(form, profile, agents)
    add_coverage(form)
    return form


def _agent_shifts(form: Formulation, agent: Agent) -> None:
    model = form.model
    site = form.problem.site(agent.site)
    by_day: dict[int, list[int]] = defaultdict(list)
    for k, candidate in enumerate(form.candidates[agent.site]):
        if candidate.fits(agent):
            form.x[(agent.id, k)] = model.add_var(0, 1)
            by_day[candidate.day].append(k)
    chosen = [k for ks in by_day.values() for k in ks]
    xs = [form.x[(agent.id, k)] for k in chosen]
    for ks in by_day.values():
        model.add_row([form.x[(agent.id, k)] for k in ks], [1] * len(ks), upper=1)
    paid = [form.candidates[agent.site][k].paid for k in chosen]
    max_paid = site.rules.max_paid_per_week
    if agent.max_paid_per_week is not None:
        max_paid = min(max_paid, agent.max_paid_per_week)
    model.add_row(xs, paid, lower=agent.min_paid_per_week or None, upper=max_paid)
    if site.rules.max_days_per_week < len(by_day):
        model.add_row(xs, [1] * len(xs), upper=site.rules.max_days_per_week)
    _rest_rows(form, agent, by_day, site.rules.min_rest)


def _rest_rows(form: Formulation, agent: Agent, by_day: dict[int, list[int]], rest: int) -> None:
    """For each pair of days and each end ``e`` of the earlier day that conflicts with some
    start of the later day: at most one of (shifts ending at or after ``e``) and (later
    shifts starting before ``e + rest``). Also forbids overlapping shifts (rest 0)."""
    candidates = form.candidates[agent.site]
    days = sorted(by_day)
    for i, day in enumerate(days):
        for later in days[i + 1 :]:
            firsts = sorted(by_day[later], key=lambda k: candidates[k].start)
            earliest = candidates[firsts[0]].start
            ends = sorted(
                {candidates[k].end for k in by_day[day] if candidates[k].end + rest > earliest}
            )
            previous: list[int] = []
            for end in ends:  # ascending: a repeated right side is implied by the row before
                right = [k for k in firsts if candidates[k].start < end + rest]
                if right == previous:
                    continue
                previous = right
                left = [k for k in by_day[day] if candidates[k].end >= end]
                keys = left + right
                form.model.add_row([form.x[(agent.id, k)] for k in keys], [1] * len(keys), upper=1)


def _profile_breaks(form: Formulation, profile: Profile, agents: list[Agent]) -> None:
    used: dict[int, list[int]] = defaultdict(list)
    for agent in agents:
        for k in range(len(form.candidates[profile[0]])):
            if (agent.id, k) in form.x:
                used[k].append(form.x[(agent.id, k)])
    add_shift_counts(form, profile, used)


def add_shift_counts(
    form: Formulation, profile: Profile, used: dict[int, list[int]], limit: int | None = None
) -> None:
    """``n[p, k] = Σ used[k]`` (variables counting agents of ``p`` on shift ``k``, at most
    ``limit`` or ``len(used[k])``) and the aggregate break placements ``z[p, k, s, b]`` with
    ``Σ_b z = n`` for every break slot."""
    model = form.model
    site = profile[0]
    for k, xs in sorted(used.items()):
        agents = len(xs) if limit is None else limit
        count = model.add_var(0, agents)
        form.n[(profile, k)] = count
        model.add_row([count, *xs], [1] + [-1] * len(xs), lower=0, upper=0)
        for s, slot in enumerate(form.candidates[site][k].breaks):
            zs = [model.add_var(0, agents) for _ in slot.starts]
            for b, z in zip(slot.starts, zs, strict=True):
                form.z[(profile, k, s, b)] = z
            model.add_row([*zs, count], [1] * len(zs) + [-1], lower=0, upper=0)


def add_coverage(form: Formulation) -> None:
    """Allocation ``y`` of working agents to groups and the weighted gaps per interval."""
    model = form.model
    horizon = form.problem.week.intervals
    working: dict[Profile, list[tuple[list[int], list[int]]]] = {}
    for profile in form.profiles:
        terms: list[tuple[list[int], list[int]]] = [([], []) for _ in range(horizon)]
        candidates = form.candidates[profile[0]]
        for (p, k), count in form.n.items():
            if p != profile:
                continue
            for t in range(candidates[k].start, candidates[k].end):
                terms[t][0].append(count)
                terms[t][1].append(1)
        for (p, k, s, b), z in form.z.items():
            if p != profile:
                continue
            for t in range(b, b + candidates[k].breaks[s].length):
                terms[t][0].append(z)
                terms[t][1].append(-1)
        working[profile] = terms
    staffed: dict[tuple[str, int], list[int]] = defaultdict(list)
    for profile, terms in working.items():
        limit = len(form.profiles[profile])
        for t, (indices, coefficients) in enumerate(terms):
            if not indices:
                continue
            ys = []
            for group in sorted(profile[1]):
                y = model.add_var(0, limit)
                form.y[(profile, group, t)] = y
                staffed[(group, t)].append(y)
                ys.append(y)
            model.add_row(
                [*ys, *indices], [1] * len(ys) + [-c for c in coefficients], lower=0, upper=0
            )
    for req in form.problem.requirements:
        for t in range(horizon):
            need = req.agents[t]
            ys = staffed.get((req.group, t), [])
            if not ys and need == 0:
                continue
            under = model.add_var(0, need, req.under_weight)
            over = model.add_var(0, len(ys) and len(form.problem.agents), req.over_weight)
            form.under[(req.group, t)] = under
            form.over[(req.group, t)] = over
            model.add_row([*ys, under, over], [1] * len(ys) + [1, -1], lower=need, upper=need)
