"""The aggregated model: agents with identical rules share one network of weekly rosters.

Agents of the same site, eligible groups, availability and weekly paid range are
interchangeable. For each such **agent type** the weeks its agents may work are the paths of
a layered graph: layer ``d`` holds states ``(days worked, paid so far, earliest next start)``
after local day ``d``; an arc to layer ``d + 1`` is a day off or one candidate shift of day
``d`` that respects the rest (its start is not before the state's earliest next start), the
daily rules (by the candidates) and the availability; terminal states keep the weekly paid
time and the days per week within the rules. States that cannot reach a terminal are pruned.

``f[type, arc]`` (integer) agents of the type follow each arc, ``Σ f`` out of the source is
the number of agents of the type, and flow is conserved. Every integer flow decomposes into
one path per agent (:func:`decompose`), so the model has exactly the schedules of the
per-agent model, without its symmetry; its linear relaxation is the convex hull of each
agent's weeks (a Dantzig-Wolfe bound), never weaker than the per-agent relaxation.
Breaks, group allocation and gaps are those of :mod:`formulation` (shared code).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from relais.core.wfm.scheduling.candidates import Candidate, site_candidates
from relais.core.wfm.scheduling.formulation import (
    Formulation,
    Profile,
    add_coverage,
    add_shift_counts,
)
from relais.core.wfm.scheduling.linear import LinearModel
from relais.core.wfm.scheduling.model import Agent, SchedulingProblem

State = tuple[int, int, int]
"""``(days worked, paid intervals so far, earliest allowed start of the next shift)``."""

NO_REST = -1


@dataclass(frozen=True, slots=True)
class Arc:
    day: int
    tail: State
    head: State
    shift: int | None
    """Candidate index on the type's site, ``None`` for a day off."""


@dataclass(slots=True)
class AgentType:
    """Interchangeable agents: same site, eligible groups, availability and paid range."""

    profile: Profile
    agents: list[Agent]
    arcs: list[Arc] = field(default_factory=list)
    flows: list[int] = field(default_factory=list)
    """Model variable of each arc."""


@dataclass(slots=True)
class RosterFormulation:
    form: Formulation
    types: list[AgentType]


def agent_types(problem: SchedulingProblem) -> list[AgentType]:
    types: dict[tuple[object, ...], AgentType] = {}
    for agent in problem.agents:
        groups = frozenset(req.group for req in problem.requirements if req.admits(agent))
        low, high = _paid_range(problem, agent)
        key = (agent.site, groups, agent.availability, low, high)
        if key not in types:
            types[key] = AgentType((agent.site, groups), [])
        types[key].agents.append(agent)
    return list(types.values())


def _paid_range(problem: SchedulingProblem, agent: Agent) -> tuple[int, int]:
    high = problem.site(agent.site).rules.max_paid_per_week
    if agent.max_paid_per_week is not None:
        high = min(high, agent.max_paid_per_week)
    return agent.min_paid_per_week, high


def formulate_rosters(problem: SchedulingProblem) -> RosterFormulation:
    problem.validate()
    candidates = {site.name: site_candidates(problem.week, site) for site in problem.sites}
    types = agent_types(problem)
    profiles: dict[Profile, list[Agent]] = defaultdict(list)
    for kind in types:
        profiles[kind.profile].extend(kind.agents)
    form = Formulation(problem, LinearModel(), candidates, dict(profiles))
    used: dict[Profile, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for kind in types:
        kind.arcs = week_arcs(problem, candidates[kind.profile[0]], kind)
        _flow_rows(form.model, kind)
        for arc, flow in zip(kind.arcs, kind.flows, strict=True):
            if arc.shift is not None:
                used[kind.profile][arc.shift].append(flow)
    for profile, shifts in used.items():
        add_shift_counts(form, profile, shifts, len(profiles[profile]))
    add_coverage(form)
    return RosterFormulation(form, types)


def week_arcs(
    problem: SchedulingProblem, candidates: list[Candidate], kind: AgentType
) -> list[Arc]:
    """The pruned layered graph of the type's weeks (see the module docstring)."""
    agent = kind.agents[0]
    rules = problem.site(agent.site).rules
    low, high = _paid_range(problem, agent)
    days = problem.week.days
    by_day: dict[int, list[int]] = defaultdict(list)
    for k, candidate in enumerate(candidates):
        if candidate.fits(agent):
            by_day[candidate.day].append(k)
    later_starts = [
        sorted({candidates[k].start for d in range(day, days) for k in by_day[d]})
        for day in range(days + 1)
    ]

    def canonical(day: int, ready: int) -> int:
        """The earliest next start, reduced to the first start of a later shift it allows."""
        for start in later_starts[day]:
            if start >= ready:
                return NO_REST if start == later_starts[day][0] else start
        return problem.week.intervals + 1  # no later shift fits any more

    layers: list[set[State]] = [{(0, 0, NO_REST)}]
    arcs: list[Arc] = []
    for day in range(days):
        reached: set[State] = set()
        for state in sorted(layers[day]):
            worked, paid, ready = state
            off = (worked, paid, canonical(day + 1, ready))
            arcs.append(Arc(day, state, off, None))
            reached.add(off)
            if worked >= rules.max_days_per_week:
                continue
            for k in by_day[day]:
                shift = candidates[k]
                if shift.start < ready or paid + shift.paid > high:
                    continue
                head = (
                    worked + 1,
                    paid + shift.paid,
                    canonical(day + 1, shift.end + rules.min_rest),
                )
                arcs.append(Arc(day, state, head, k))
                reached.add(head)
        layers.append(reached)
    alive = {state for state in layers[days] if low <= state[1] <= high}
    kept: list[Arc] = []
    for day in reversed(range(days)):
        heads = alive
        alive = set()
        for arc in arcs:
            if arc.day == day and arc.head in heads:
                kept.append(arc)
                alive.add(arc.tail)
    if (0, 0, NO_REST) not in alive:
        raise ValueError(f"agent {agent.id}: no week satisfies the rules")
    kept.sort(key=lambda arc: (arc.day, arc.tail, arc.shift is not None, arc.shift or 0))
    return kept


def _flow_rows(model: LinearModel, kind: AgentType) -> None:
    size = len(kind.agents)
    kind.flows = [model.add_var(0, size) for _ in kind.arcs]
    into: dict[tuple[int, State], list[int]] = defaultdict(list)
    out: dict[tuple[int, State], list[int]] = defaultdict(list)
    for arc, flow in zip(kind.arcs, kind.flows, strict=True):
        out[(arc.day, arc.tail)].append(flow)
        into[(arc.day + 1, arc.head)].append(flow)
    source = out[(0, (0, 0, NO_REST))]
    model.add_row(source, [1] * len(source), lower=size, upper=size)
    for node, leaving in out.items():
        if node[0] == 0:
            continue
        arriving = into[node]
        model.add_row(
            [*arriving, *leaving], [1] * len(arriving) + [-1] * len(leaving), lower=0, upper=0
        )


def decompose(kind: AgentType, values: list[int]) -> dict[str, list[int]]:
    """One path per agent of the type from an integer flow: the candidate shifts worked."""
    left = {id(arc): values[flow] for arc, flow in zip(kind.arcs, kind.flows, strict=True)}
    leaving: dict[tuple[int, State], list[Arc]] = defaultdict(list)
    for arc in kind.arcs:
        leaving[(arc.day, arc.tail)].append(arc)
    weeks: dict[str, list[int]] = {}
    for agent in kind.agents:
        node: tuple[int, State] = (0, (0, 0, NO_REST))
        shifts: list[int] = []
        while node in leaving:
            found = next((a for a in leaving[node] if left[id(a)] > 0), None)
            if found is None:
                raise ValueError("flow is not an integral path decomposition")
            arc = found
            left[id(arc)] -= 1
            if arc.shift is not None:
                shifts.append(arc.shift)
            node = (arc.day + 1, arc.head)
        weeks[agent.id] = shifts
    return weeks
