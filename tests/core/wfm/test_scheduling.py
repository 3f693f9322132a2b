"""Scheduling on small instances: rules respected, gaps computed right, cyclic optimum."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest

from relais.core.wfm.scheduling import (
    Agent,
    BreakRule,
    RequiredBreak,
    Requirement,
    SchedulingProblem,
    ShiftTemplate,
    Site,
    SiteDay,
    SiteRules,
    SolverSettings,
    Week,
    check_schedule,
    cover_cyclic_demand,
    solve_schedule,
    staffing_gaps,
)

# Monday 5 January 2026, 00:00 in Paris (UTC+1).
WEEK = Week(datetime(2026, 1, 4, 23, 0, tzinfo=UTC), days=3)
FAST = SolverSettings(max_seconds=10.0, warmstart_seconds=1.0)
LUNCH = BreakRule("lunch", 2, 12, 16, paid=False)


def paris(day: int, hour: int, minute: int = 0) -> int:
    return WEEK.local_index(day, time(hour, minute), "Europe/Paris")


def flat(value: int, hours: tuple[int, int] = (0, 24)) -> tuple[int, ...]:
    """``value`` agents between the given Paris hours every day, 0 elsewhere."""
    needs = [0] * WEEK.intervals
    for day in range(WEEK.days):
        for index in range(
            paris(day, hours[0]), paris(day, hours[1]) if hours[1] < 24 else paris(day, 0) + 96
        ):
            needs[index] = value
    return tuple(needs)


def site(
    rules: SiteRules,
    *templates: ShiftTemplate,
    days: dict[int, SiteDay] | None = None,
    name: str = "lille",
    timezone: str = "Europe/Paris",
) -> Site:
    return Site(name, timezone, rules, templates, days or {})


def problem(
    sites: tuple[Site, ...], agents: tuple[Agent, ...], *requirements: Requirement
) -> SchedulingProblem:
    return SchedulingProblem(WEEK, sites, agents, requirements)


def test_week_converts_indices_to_aware_utc_and_local_times() -> None:
    # given a week starting Monday 00:00 in Paris
    # then index 0 is that instant in UTC, and local 09:00 is 36 quarter-hours later
    assert WEEK.at(0) == datetime(2026, 1, 4, 23, 0, tzinfo=UTC)
    assert WEEK.at(4) - WEEK.at(0) == timedelta(hours=1)
    assert paris(0, 9) == 36
    assert WEEK.index_of(WEEK.at(37) + timedelta(minutes=7)) == 37
    assert WEEK.local_date(0, "Africa/Casablanca").isoformat() == "2026-01-05"
    # and the spring-forward Sunday in Paris has 23 hours
    dst = Week(datetime(2026, 3, 22, 23, 0, tzinfo=UTC))
    monday = dst.local_index(7 - 1, time(0), "Europe/Paris")
    assert dst.local_index(6, time(12), "Europe/Paris") - monday == 4 * 11


def test_staffing_gaps_are_the_positive_parts() -> None:
    assert staffing_gaps([3, 2, 0, 5], [1, 2, 2, 6]) == ((2, 0, 0, 0), (0, 0, 2, 1))


def test_schedule_covers_demand_and_reports_gaps_consistent_with_objective() -> None:
    # given two agents on 8-hour shifts and a demand of 3 from 08:00 to 16:00, 1 until 20:00
    template = ShiftTemplate("day", time(6), time(14), (32,), (LUNCH,))
    lille = site(SiteRules(32, 200), template)
    needs = list(flat(1, (8, 20)))
    for day in range(WEEK.days):
        for index in range(paris(day, 8), paris(day, 16)):
            needs[index] = 3
    agents = tuple(Agent(f"a{i}", "lille", frozenset({"voice"})) for i in range(2))
    voice = Requirement("voice", tuple(needs), skill="voice", under_weight=5, over_weight=1)
    # when scheduled
    schedule = solve_schedule(problem((lille,), agents, voice), FAST)
    # then every agent works each day, rules hold, and the objective is the weighted gaps
    assert len(schedule.shifts) == 2 * WEEK.days
    assert check_schedule(problem((lille,), agents, voice), schedule) == []
    coverage = schedule.group("voice")
    assert coverage.staffed == schedule.working_per_site("lille")
    assert (coverage.under, coverage.over) == staffing_gaps(needs, coverage.staffed)
    assert schedule.report.objective == 5 * sum(coverage.under) + sum(coverage.over)
    assert schedule.report.bound <= schedule.report.objective + 1e-6
    assert schedule.report.status in {"optimal", "feasible"}


def test_minimum_rest_between_shifts_is_respected() -> None:
    # given an agent who could work late on Monday and early on Tuesday, 11 h rest in France
    template = ShiftTemplate("any", time(5), time(15), (32,), (), start_step=4)
    lille = site(SiteRules(32, 200, min_rest=44), template)
    needs = [0] * WEEK.intervals
    for index in range(paris(0, 15), paris(0, 23)):
        needs[index] = 1
    for index in range(paris(1, 5), paris(1, 13)):
        needs[index] = 1
    voice = Requirement("voice", tuple(needs), under_weight=10, over_weight=1)
    spec = problem((lille,), (Agent("a", "lille"),), voice)
    # when scheduled
    schedule = solve_schedule(spec, FAST)
    # then the two shifts are at least 11 hours apart, so one block stays uncovered
    shifts = schedule.shifts_of("a")
    assert all(b.start - a.end >= 44 for a, b in itertools.pairwise(shifts))
    assert check_schedule(spec, schedule) == []
    # (best: Monday 14-22 and Tuesday 09-17, leaving 1 h + 4 h uncovered)
    assert sum(schedule.group("voice").under) == 20
    # and without the rest rule both blocks are covered
    relaxed = site(SiteRules(32, 200, min_rest=0), template)
    free = solve_schedule(problem((relaxed,), (Agent("a", "lille"),), voice), FAST)
    assert sum(free.group("voice").under) == 0


def test_maximum_paid_hours_per_day_and_week_are_respected() -> None:
    # given round-the-clock demand and agents capped at 16 paid hours a week
    template = ShiftTemplate("day", time(6), time(12), (24, 32, 40), (LUNCH,))
    lille = site(SiteRules(30, 200), template)
    agents = (Agent("a", "lille", max_paid_per_week=64), Agent("b", "lille"))
    spec = problem((lille,), agents, Requirement("all", flat(5)))
    # when scheduled
    schedule = solve_schedule(spec, FAST)
    # then no shift exceeds 7.5 paid hours (the 10-hour one is too long) and a stays at 16 h
    assert all(shift.paid <= 30 for shift in schedule.shifts)
    assert sum(shift.paid for shift in schedule.shifts_of("a")) <= 64
    assert sum(shift.paid for shift in schedule.shifts_of("b")) == 3 * 30
    assert check_schedule(spec, schedule) == []


def test_home_agent_availability_is_respected() -> None:
    # given a home agent available only 14:00-19:00 on Tuesday, and morning demand
    template = ShiftTemplate("half", time(8), time(15), (16,), ())
    home = Agent("h", "lille", availability=((paris(1, 14), paris(1, 19)),))
    spec = problem((site(SiteRules(16, 100), template),), (home,), Requirement("all", flat(1)))
    # when scheduled
    schedule = solve_schedule(spec, FAST)
    # then the only shift is inside the window
    assert [(s.start, s.end) for s in schedule.shifts] in (
        [(start, start + 16)] for start in range(paris(1, 14), paris(1, 15) + 1)
    )
    assert check_schedule(spec, schedule) == []


def test_breaks_and_sunset_break_are_placed_within_their_windows() -> None:
    # given a Rabat site in Ramadan: 6-hour days, an iftar break at sunset (18:15-19:00)
    breaks = (BreakRule("break", 1, 6, 10),)
    template = ShiftTemplate("ramadan", time(12), time(16), (24,), breaks, start_step=2)
    rabat_days = {}
    for day in range(WEEK.days):
        sunset = WEEK.local_index(day, time(18, 15), "Africa/Casablanca")
        rabat_days[day] = SiteDay(
            max_paid=24, required_break=RequiredBreak("iftar", sunset, sunset + 3, 2)
        )
    rabat = site(
        SiteRules(32, 200), template, days=rabat_days, name="rabat", timezone="Africa/Casablanca"
    )
    agents = tuple(Agent(f"r{i}", "rabat") for i in range(3))
    spec = problem((rabat,), agents, Requirement("all", flat(3, (13, 23))))
    # when scheduled
    schedule = solve_schedule(spec, FAST)
    # then each shift has its break 1.5-2.5 h after the start, and shifts spanning sunset
    # have an iftar of 30 min inside the sunset window
    assert schedule.shifts
    for shift in schedule.shifts:
        named = {b.name: b for b in shift.breaks}
        assert 6 <= named["break"].start - shift.start <= 10
        sunset = rabat_days[shift.day].required_break
        assert sunset is not None
        if shift.start < sunset.end and sunset.start < shift.end:
            iftar = named["iftar"]
            assert sunset.start <= iftar.start
            assert iftar.end <= sunset.end
            assert iftar.end - iftar.start == 2
        assert shift.paid <= 24
    assert check_schedule(spec, schedule) == []


def test_skills_decide_which_group_an_agent_counts_for() -> None:
    # given a chat demand only a chat-skilled agent can serve, and a voice-only agent
    template = ShiftTemplate("day", time(8), time(8), (32,), ())
    lille = site(SiteRules(32, 200), template)
    agents = (
        Agent("chat", "lille", frozenset({"chat", "voice"})),
        Agent("voice", "lille", frozenset({"voice"})),
    )
    chat = Requirement("chat", flat(1, (8, 16)), skill="chat", under_weight=10)
    voice = Requirement("voice", flat(1, (8, 16)), skill="voice", under_weight=10)
    # when scheduled
    schedule = solve_schedule(problem((lille,), agents, chat, voice), FAST)
    # then both groups are fully covered: the multi-skilled agent takes chat
    assert schedule.report.objective == 0
    assert schedule.group("chat").staffed == flat(1, (8, 16))


def test_inconsistent_input_is_rejected_with_a_clear_message() -> None:
    overlapping = ShiftTemplate(
        "bad", time(8), time(9), (32,), (BreakRule("a", 2, 8, 12), BreakRule("b", 2, 10, 14))
    )
    spec = problem(
        (site(SiteRules(32, 100), overlapping),),
        (Agent("a", "lille"),),
        Requirement("all", flat(1)),
    )
    with pytest.raises(ValueError, match="overlap"):
        solve_schedule(spec, FAST)
    with pytest.raises(ValueError, match="expected"):
        solve_schedule(problem(spec.sites, spec.agents, Requirement("all", (1,))), FAST)


def test_cyclic_24_hour_instance_needs_55_shifts() -> None:
    demand = [
        6,
        6,
        6,
        6,
        6,
        8,
        9,
        12,
        18,
        22,
        25,
        21,
        21,
        20,
        18,
        21,
        21,
        24,
        24,
        18,
        18,
        18,
        12,
        8,
    ]
    cover = cover_cyclic_demand(demand, 8)
    assert cover.shifts == 55
    assert cover.status == "optimal"
    assert all(c >= d for c, d in zip(cover.coverage, demand, strict=True))
