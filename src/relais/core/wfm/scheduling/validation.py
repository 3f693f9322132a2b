"""Check a schedule against the problem's rules (used by tests and as a safety net)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from relais.core.wfm.scheduling.candidates import site_candidates
from relais.core.wfm.scheduling.model import SchedulingProblem
from relais.core.wfm.scheduling.schedule import Schedule


@dataclass(frozen=True, slots=True)
class Violation:
    agent_id: str
    rule: str
    detail: str


def check_schedule(problem: SchedulingProblem, schedule: Schedule) -> list[Violation]:
    """Every broken rule: template and break windows, daily and weekly paid time, days per
    week, rest between shifts, availability, and coverage consistent with the shifts."""
    violations: list[Violation] = []
    allowed = {
        site.name: {
            (c.day, c.template, c.start, c.end): c for c in site_candidates(problem.week, site)
        }
        for site in problem.sites
    }
    agents = {agent.id: agent for agent in problem.agents}
    for agent_id in sorted({shift.agent_id for shift in schedule.shifts}):
        agent = agents[agent_id]
        rules = problem.site(agent.site).rules
        shifts = schedule.shifts_of(agent_id)

        def fail(rule: str, detail: str, agent_id: str = agent_id) -> None:
            violations.append(Violation(agent_id, rule, detail))

        days = [shift.day for shift in shifts]
        if len(set(days)) != len(days):
            fail("one_shift_per_day", f"days {days}")
        if len(shifts) > rules.max_days_per_week:
            fail("max_days_per_week", f"{len(shifts)} days")
        week_paid = sum(shift.paid for shift in shifts)
        cap = rules.max_paid_per_week
        if agent.max_paid_per_week is not None:
            cap = min(cap, agent.max_paid_per_week)
        if week_paid > cap or week_paid < agent.min_paid_per_week:
            fail("paid_per_week", f"{week_paid} intervals")
        for shift in shifts:
            candidate = allowed[agent.site].get((shift.day, shift.template, shift.start, shift.end))
            if shift.site != agent.site or candidate is None:
                fail("template", f"shift {shift.start}-{shift.end} not allowed")
                continue
            if candidate.paid > rules.max_paid_per_day:
                fail("paid_per_day", f"shift {shift.start}-{shift.end}")
            if not candidate.fits(agent):
                fail("availability", f"shift {shift.start}-{shift.end}")
            placed = sorted((b.name, b.start, b.end - b.start) for b in shift.breaks)
            expected = sorted(candidate.breaks, key=lambda slot: slot.name)
            if len(placed) != len(expected) or any(
                name != slot.name or length != slot.length or start not in slot.starts
                for (name, start, length), slot in zip(placed, expected, strict=False)
            ):
                fail("break_window", f"shift {shift.start}-{shift.end}: {placed}")
            spans = sorted((b.start, b.end) for b in shift.breaks)
            if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
                fail("break_overlap", f"shift {shift.start}-{shift.end}")
        for before, after in itertools.pairwise(shifts):
            if after.start - before.end < rules.min_rest:
                fail("min_rest", f"{before.end} -> {after.start}")
    violations.extend(_coverage_violations(problem, schedule))
    return violations


def _coverage_violations(problem: SchedulingProblem, schedule: Schedule) -> list[Violation]:
    working: dict[int, int] = defaultdict(int)
    for shift in schedule.shifts:
        for start, end, activity in shift.activities():
            if activity == "work":
                for t in range(start, end):
                    working[t] += 1
    problems: list[Violation] = []
    for t in range(problem.week.intervals):
        staffed = sum(coverage.staffed[t] for coverage in schedule.coverage)
        if staffed != working[t]:
            problems.append(Violation("*", "coverage", f"interval {t}: {staffed} != {working[t]}"))
    return problems
