"""The roster model: week graphs hold exactly the valid weeks, flows decompose into agents,
and its relaxation bounds the per-agent model's."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime, time

from relais.core.wfm.scheduling import (
    Agent,
    BreakRule,
    Requirement,
    SchedulingProblem,
    ShiftTemplate,
    Site,
    SiteRules,
    SolverSettings,
    Week,
    check_schedule,
    solve_schedule,
)
from relais.core.wfm.scheduling.candidates import site_candidates
from relais.core.wfm.scheduling.formulation import formulate
from relais.core.wfm.scheduling.relaxation import solve_mip, solve_relaxation
from relais.core.wfm.scheduling.rosters import (
    NO_REST,
    Arc,
    State,
    agent_types,
    decompose,
    formulate_rosters,
    week_arcs,
)
from relais.core.wfm.scheduling.solver import _replace_breaks, staffing_cost

WEEK = Week(datetime(2026, 1, 4, 23, 0, tzinfo=UTC), days=3)


def paris(day: int, hour: int) -> int:
    return WEEK.local_index(day, time(hour), "Europe/Paris")


def lille(rules: SiteRules) -> Site:
    template = ShiftTemplate(
        "day", time(7), time(13), (24, 32), (BreakRule("break", 1, 4, 8),), start_step=4
    )
    return Site("lille", "Europe/Paris", rules, (template,))


def demand(value: int) -> tuple[int, ...]:
    needs = [0] * WEEK.intervals
    for day in range(WEEK.days):
        for index in range(paris(day, 8), paris(day, 20)):
            needs[index] = value
    return tuple(needs)


def spec(rules: SiteRules, agents: tuple[Agent, ...], *reqs: Requirement) -> SchedulingProblem:
    return SchedulingProblem(
        WEEK, (lille(rules),), agents, reqs or (Requirement("all", demand(2)),)
    )


def paths(arcs: list[Arc]) -> set[tuple[int, ...]]:
    leaving: dict[tuple[int, State], list[Arc]] = defaultdict(list)
    for arc in arcs:
        leaving[(arc.day, arc.tail)].append(arc)
    found: set[tuple[int, ...]] = set()

    def walk(node: tuple[int, State], shifts: tuple[int, ...]) -> None:
        if node not in leaving:
            found.add(shifts)
            return
        for arc in leaving[node]:
            step = shifts if arc.shift is None else (*shifts, arc.shift)
            walk((arc.day + 1, arc.head), step)

    walk((0, (0, 0, NO_REST)), ())
    return found


def test_week_graph_holds_exactly_the_weeks_the_rules_allow() -> None:
    # given 11 h rest, at most 2 days, 14 to 16 paid hours, shifts of 6 or 8 hours
    rules = SiteRules(32, 200, min_rest=44, max_days_per_week=2)
    agent = Agent("a", "lille", min_paid_per_week=56, max_paid_per_week=64)
    problem = spec(rules, (agent,))
    candidates = site_candidates(WEEK, problem.sites[0])
    # when the week graph of the agent's type is built
    (kind,) = agent_types(problem)
    found = paths(week_arcs(problem, candidates, kind))
    # then its paths are the valid weeks found by brute force
    by_day = [[k for k, c in enumerate(candidates) if c.day == day] for day in range(WEEK.days)]
    valid = set()
    for choice in itertools.product(*[[None, *ks] for ks in by_day]):
        week = [k for k in choice if k is not None]
        paid = sum(candidates[k].paid for k in week)
        rested = all(
            candidates[b].start - candidates[a].end >= 44 for a, b in itertools.pairwise(week)
        )
        if len(week) <= 2 and 56 <= paid <= 64 and rested:
            valid.add(tuple(week))
    assert valid
    assert found == valid


def test_agents_with_the_same_rules_share_one_type() -> None:
    agents = (
        Agent("a", "lille", frozenset({"voice"})),
        Agent("b", "lille", frozenset({"voice"})),
        Agent("c", "lille", frozenset({"voice"}), max_paid_per_week=40),
        Agent("d", "lille", frozenset({"voice"}), availability=((0, 100),)),
    )
    problem = spec(SiteRules(32, 200), agents, Requirement("voice", demand(2), skill="voice"))
    assert sorted(len(kind.agents) for kind in agent_types(problem)) == [1, 1, 2]


def test_roster_relaxation_is_never_weaker_than_the_per_agent_one() -> None:
    # given a small instance with rest, a paid-hours window and two skills
    rules = SiteRules(32, 200, min_rest=44, max_days_per_week=2)
    agents = tuple(
        Agent(f"a{i}", "lille", frozenset({"voice"} if i % 2 else {"voice", "chat"}), None, 64, 40)
        for i in range(5)
    )
    problem = spec(
        rules,
        agents,
        Requirement("voice", demand(3), skill="voice", under_weight=10),
        Requirement("chat", demand(1), skill="chat", under_weight=8),
    )
    # when both relaxations and the exact roster optimum are computed
    per_agent = solve_relaxation(formulate(problem).model).objective
    rosters = formulate_rosters(problem)
    roster = solve_relaxation(rosters.form.model).objective
    exact = solve_mip(rosters.form.model, seconds=20.0)
    # then per-agent LP <= roster LP <= integer optimum, and the solver meets the optimum
    assert exact.status == "Optimal"
    assert exact.objective is not None
    assert per_agent <= roster + 1e-6
    assert roster <= exact.objective + 1e-6
    schedule = solve_schedule(problem, SolverSettings(max_seconds=20.0, relative_gap=0.0))
    assert schedule.report.objective == exact.objective
    assert check_schedule(problem, schedule) == []


def test_integer_flows_decompose_into_one_valid_week_per_agent() -> None:
    # given three interchangeable agents and an integer roster solution
    rules = SiteRules(32, 200, min_rest=44)
    agents = tuple(Agent(f"a{i}", "lille", min_paid_per_week=48) for i in range(3))
    problem = spec(rules, agents)
    rosters = formulate_rosters(problem)
    solution = solve_mip(rosters.form.model, seconds=10.0)
    # when the flows are decomposed
    (kind,) = rosters.types
    weeks = decompose(kind, list(solution.values))
    # then every agent gets a week and each shift used by the flows goes to one agent
    assert sorted(weeks) == ["a0", "a1", "a2"]
    used = sorted(
        arc.shift
        for arc, flow in zip(kind.arcs, kind.flows, strict=True)
        for _ in range(solution.values[flow])
        if arc.shift is not None
    )
    assert sorted(k for week in weeks.values() for k in week) == used
    assert all(
        sum(rosters.form.candidates["lille"][k].paid for k in w) >= 48 for w in weeks.values()
    )


def test_reported_objective_is_the_schedules_weighted_gaps() -> None:
    agents = tuple(Agent(f"a{i}", "lille") for i in range(4))
    problem = spec(SiteRules(32, 200, min_rest=44), agents)
    schedule = solve_schedule(problem, SolverSettings(max_seconds=10.0))
    assert schedule.report.objective == staffing_cost(problem, schedule)
    assert schedule.report.bound <= schedule.report.objective + 1e-6
    assert schedule.report.solver_bound >= schedule.report.bound - 1e-6
    assert check_schedule(problem, schedule) == []


def test_replacing_breaks_keeps_every_week_and_never_worsens() -> None:
    # given an integer roster solution of a small instance
    agents = tuple(Agent(f"a{i}", "lille") for i in range(3))
    problem = spec(SiteRules(32, 200, min_rest=44), agents)
    rosters = formulate_rosters(problem)
    model = rosters.form.model
    solution = solve_mip(model, seconds=10.0)
    assert solution.objective is not None
    flows = [flow for kind in rosters.types for flow in kind.flows]
    # when breaks and allocation are re-solved for the same weeks
    objective, values = _replace_breaks(
        model, flows, list(solution.values), solution.objective + 5, 5.0, SolverSettings()
    )
    # then the weeks are unchanged and the objective is the optimum for them
    assert [values[f] for f in flows] == [solution.values[f] for f in flows]
    assert objective == solution.objective
    assert model.objective_value(values) == objective


def test_mip_stops_once_a_schedule_meets_the_target() -> None:
    # given a small roster model and a target every schedule meets
    agents = tuple(Agent(f"a{i}", "lille") for i in range(3))
    model = formulate_rosters(spec(SiteRules(32, 200, min_rest=44), agents)).form.model
    # when HiGHS runs with that target
    result = solve_mip(model, seconds=10.0, relative_gap=0.0, target=1e9)
    # then it returns the first schedule it finds, without proving optimality
    assert result.objective is not None
    assert result.status in {"Interrupted by user", "Optimal"}
    assert result.seconds < 10.0
