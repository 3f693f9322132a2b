"""Scheduling benchmark: `uv run python -m bench.schedule`.

1. The 24-hour cyclic covering instance (8-hour shifts, hourly demand) whose optimum is
   55 shifts.
2. A weekly instance: 3 sites (Lille inshore, Rabat offshore during Ramadan with an iftar
   break at sunset, Bucharest nearshore), 150 agents incl. home agents with declared
   availabilities, two skills, 15-minute intervals; the objective against the bound of the
   linear relaxation (the search stops once within ``--gap`` % of it, or at ``--seconds``).
"""

from __future__ import annotations

import argparse
import math
import random
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bench import emit, row, stopwatch
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
)

CYCLIC_DEMAND = [
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
# Monday 23 February 2026, 00:00 in Paris: the first week of Ramadan 1447 in Morocco.
WEEK = Week(datetime(2026, 2, 22, 23, 0, tzinfo=UTC))
PARIS = ZoneInfo("Europe/Paris")


def quarter(hours: float) -> int:
    return round(hours * 4)


def sites(week: Week) -> tuple[Site, ...]:
    breaks_8h = (
        BreakRule("break", 1, quarter(1.5), quarter(2.5)),
        BreakRule("lunch", 4, quarter(3.25), quarter(4.5), paid=False),
        BreakRule("break", 1, quarter(5.75), quarter(6.75)),
    )
    lille = Site(
        "lille",
        "Europe/Paris",
        SiteRules(quarter(10), quarter(48), min_rest=quarter(11), max_days_per_week=5),
        (
            ShiftTemplate(
                "day",
                time(7),
                time(13),
                (quarter(8),),
                breaks_8h,
                start_step=2,
                weekdays=frozenset(range(6)),
            ),
            ShiftTemplate(
                "half",
                time(8),
                time(17),
                (quarter(4),),
                (BreakRule("break", 1, quarter(1.5), quarter(2.5)),),
                start_step=2,
                weekdays=frozenset(range(6)),
            ),
        ),
    )
    ramadan = {}
    for day in range(week.days):
        sunset = week.local_index(day, time(18, 45), "Africa/Casablanca")
        ramadan[day] = SiteDay(
            max_paid=quarter(6),
            required_break=RequiredBreak("iftar", sunset - 1, sunset + 3, 2),
        )
    rabat = Site(
        "rabat",
        "Africa/Casablanca",
        SiteRules(quarter(8), quarter(44), min_rest=quarter(10), max_days_per_week=6),
        (
            ShiftTemplate(
                "day",
                time(8),
                time(14),
                (quarter(8.5),),
                (
                    BreakRule("break", 1, quarter(1.5), quarter(2.5)),
                    BreakRule("lunch", 2, quarter(3.5), quarter(4.5), paid=False),
                    BreakRule("break", 1, quarter(6), quarter(7)),
                ),
                start_step=2,
            ),
            ShiftTemplate(
                "ramadan",
                time(8),
                time(16),
                (quarter(6),),
                (BreakRule("break", 1, quarter(2), quarter(3.5)),),
                start_step=2,
            ),
        ),
        days=ramadan,
    )
    bucharest = Site(
        "bucharest",
        "Europe/Bucharest",
        SiteRules(quarter(8), quarter(40), min_rest=quarter(11), max_days_per_week=5),
        (
            ShiftTemplate(
                "day",
                time(8),
                time(15),
                (quarter(8.5),),
                (
                    BreakRule("break", 1, quarter(1.5), quarter(2.5)),
                    BreakRule("lunch", 2, quarter(3.5), quarter(4.5), paid=False),
                    BreakRule("break", 1, quarter(6), quarter(7)),
                ),
                start_step=2,
            ),
        ),
    )
    return lille, rabat, bucharest


def demand(week: Week, peak: float, closing: float) -> tuple[int, ...]:
    """A two-humped French customer-service day (Paris time), quieter towards the weekend."""
    values = []
    weekday_factor = [1.0, 0.9, 0.85, 0.85, 0.8, 0.45, 0.0]
    for index in range(week.intervals):
        local = week.at(index).astimezone(PARIS)
        hour = local.hour + local.minute / 60
        factor = weekday_factor[local.weekday()]
        close = closing if local.weekday() < 5 else 18.0
        if not 8.0 <= hour < close or factor == 0.0:
            values.append(0)
            continue
        shape = (
            0.35
            + 0.65 * math.exp(-(((hour - 10.5) / 1.6) ** 2))
            + 0.5 * math.exp(-(((hour - 14.5) / 2.0) ** 2))
            + 0.15 * math.exp(-(((hour - 19.0) / 1.2) ** 2))
        )
        values.append(round(peak * factor * min(shape, 1.0)))
    return tuple(values)


def weekly_problem(agents: int = 150, seed: int = 6) -> SchedulingProblem:
    rng = random.Random(seed)
    week = WEEK
    scale = agents / 150  # the demand grows with the team
    split = {"lille": agents // 3, "rabat": agents * 2 // 5}
    split["bucharest"] = agents - split["lille"] - split["rabat"]
    people: list[Agent] = []
    for site, count in split.items():
        for number in range(count):
            skills = frozenset({"voice"}) if rng.random() < 0.7 else frozenset({"voice", "chat"})
            availability = None
            contract = {"lille": quarter(35), "rabat": quarter(36), "bucharest": quarter(40)}[site]
            minimum = contract
            if site == "lille" and number < count // 3:  # home agents
                morning = number % 2 == 0
                first, last = (time(7), time(14)) if morning else (time(14), time(21, 30))
                availability = tuple(
                    (
                        week.local_index(day, first, "Europe/Paris"),
                        week.local_index(day, last, "Europe/Paris"),
                    )
                    for day in range(5)
                )
                contract, minimum = quarter(20), quarter(12)
            people.append(
                Agent(f"{site}-{number:03d}", site, skills, availability, contract, minimum)
            )
    requirements = (
        Requirement("voice", demand(week, 92.0 * scale, 21.0), skill="voice", under_weight=10),
        Requirement("chat", demand(week, 33.0 * scale, 22.0), skill="chat", under_weight=8),
    )
    return SchedulingProblem(week, sites(week), tuple(people), requirements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=55.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gap", type=float, default=1.0, help="stop within this % of the bound")
    args = parser.parse_args()

    widths = (28, 14, 14, 10, 10)
    with stopwatch() as cyclic_time:
        cyclic = cover_cyclic_demand(CYCLIC_DEMAND, 8)
    row("instance", "objective", "bound", "gap %", "seconds", widths=widths)
    row("cyclic24 (shifts)", cyclic.shifts, cyclic.bound, 0.0, cyclic_time[0], widths=widths)

    problem = weekly_problem(args.agents)
    settings = SolverSettings(
        max_seconds=args.seconds, num_workers=args.workers, relative_gap=args.gap / 100
    )
    with stopwatch() as weekly_time:
        schedule = solve_schedule(problem, settings)
    report = schedule.report
    row(
        f"weekly ({args.agents} agents)",
        report.objective,
        report.bound,
        report.gap_pct,
        weekly_time[0],
        widths=widths,
    )
    violations = check_schedule(problem, schedule)
    under = sum(sum(c.under) for c in schedule.coverage)
    over = sum(sum(c.over) for c in schedule.coverage)
    print(
        f"weekly: status {report.status}, {len(schedule.shifts)} shifts, "
        f"{report.variables} variables, {report.constraints} rows, "
        f"LP {report.relaxation_seconds:.1f} s, proven bound {report.solver_bound:.0f}, "
        f"under {under} / over {over} agent-quarters, {len(violations)} rule violations"
    )
    emit(
        {
            "cyclic24_shifts": cyclic.shifts,
            "cyclic24_bound": round(cyclic.bound, 3),
            "cyclic24_seconds": round(cyclic_time[0], 3),
            "weekly_objective": report.objective,
            "weekly_bound": round(report.bound, 3),
            "weekly_gap_pct": round(report.gap_pct, 3),
            "weekly_proven_bound": round(report.solver_bound, 3),
            "weekly_seconds": round(weekly_time[0], 2),
            "weekly_status": report.status,
            "weekly_shifts": len(schedule.shifts),
            "weekly_under_quarters": under,
            "weekly_over_quarters": over,
            "weekly_violations": len(violations),
            "weekly_variables": report.variables,
        }
    )


if __name__ == "__main__":
    main()
