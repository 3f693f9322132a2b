"""A week's scheduling problem (relais.core.wfm.scheduling) from sites, plans and agents.

Shift templates come from each site's opening hours (a day of 9 h with a break and an
unpaid lunch, a short day of 6 h, a half day of 4 h, starting on the half hour), labour
rules from the site's country, closed days and shorter Ramadan days from its calendar,
and the requirement from its staffing plan (agents on the phones; breaks are placed by the
scheduler). Home agents are available during their site's opening hours.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from relais.apps.organisation.models import Agent, Site, SiteKind
from relais.apps.wfm import calendars
from relais.apps.wfm.models import SiteCalendarOverride, StaffingPlan
from relais.core.wfm.scheduling import (
    Agent as PlannedAgent,
)
from relais.core.wfm.scheduling import (
    BreakRule,
    Requirement,
    SchedulingProblem,
    ShiftTemplate,
    SiteDay,
    SiteRules,
    Week,
)
from relais.core.wfm.scheduling import (
    Site as PlannedSite,
)

QUARTER = 15
#: (max paid hours a day, a week, max days a week) by country; 11 h rest everywhere.
LABOUR_RULES: Mapping[str, tuple[int, int, int]] = {
    "FR": (10, 35, 5),
    "MA": (10, 44, 6),
    "TN": (10, 48, 6),
    "RO": (10, 40, 5),
}
DEFAULT_RULES = (10, 40, 5)


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    hours: int
    breaks: tuple[BreakRule, ...]


SHAPES = (
    Shape(
        "day",
        9,
        (
            BreakRule("break", 1, 6, 10),
            BreakRule("lunch", 4, 14, 20, paid=False),
        ),
    ),
    Shape("short", 6, (BreakRule("break", 1, 8, 14),)),
    Shape("half", 4, (BreakRule("break", 1, 6, 9),)),
)


def week_of(week_start: date, sites: Sequence[Site]) -> Week:
    """Seven days from the earliest local midnight of ``week_start`` among the sites."""
    starts = [
        datetime.combine(week_start, time(0), tzinfo=zoneinfo.ZoneInfo(site.time_zone))
        for site in sites
    ]
    return Week(start=min(starts).astimezone(UTC), interval_minutes=QUARTER, days=7)


def _minus(clock: time, hours: int) -> time | None:
    minutes = clock.hour * 60 + clock.minute - hours * 60
    return time(minutes // 60, minutes % 60) if minutes >= 0 else None


def _templates(site: Site) -> tuple[ShiftTemplate, ...]:
    by_window: dict[tuple[time, time], set[int]] = defaultdict(set)
    for weekday, windows in calendars.opening_hours(site).weekly.items():
        opens = min(window.start for window in windows)
        closes = max(window.end for window in windows)
        by_window[(opens, closes)].add(weekday)
    templates: list[ShiftTemplate] = []
    for (opens, closes), weekdays in sorted(by_window.items()):
        for shape in SHAPES:
            latest = _minus(closes, shape.hours)
            if latest is None or latest < opens:
                continue
            templates.append(
                ShiftTemplate(
                    name=f"{shape.name}-{opens:%H%M}",
                    earliest_start=opens,
                    latest_start=latest,
                    lengths=(shape.hours * 60 // QUARTER,),
                    breaks=shape.breaks,
                    start_step=2,
                    weekdays=frozenset(weekdays),
                )
            )
    return tuple(templates)


def _rules(site: Site) -> SiteRules:
    per_day, per_week, days = LABOUR_RULES.get(site.country.upper(), DEFAULT_RULES)
    return SiteRules(
        max_paid_per_day=per_day * 4,
        max_paid_per_week=per_week * 4,
        min_rest=44,
        max_days_per_week=days,
    )


def _days(site: Site, week: Week) -> dict[int, SiteDay]:
    first, last = week.local_date(0, site.time_zone), week.local_date(6, site.time_zone)
    calendar = calendars.calendar_of(site, first, last)
    try:
        ramadan_hours = site.calendar_override.ramadan_max_paid_hours
    except SiteCalendarOverride.DoesNotExist:
        ramadan_hours = 6
    days: dict[int, SiteDay] = {}
    for index in range(week.days):
        day = calendar.day(week.local_date(index, site.time_zone))
        if day.is_holiday and not day.is_open:
            days[index] = SiteDay(closed=True)
        elif day.in_ramadan:
            days[index] = SiteDay(max_paid=ramadan_hours * 60 // QUARTER)
    return days


def _availability(site: Site, week: Week) -> tuple[tuple[int, int], ...]:
    first, last = week.local_date(0, site.time_zone), week.local_date(6, site.time_zone)
    windows = calendars.calendar_of(site, first, last).open_windows
    return tuple(
        (max(0, week.index_of(w.start)), min(week.intervals, week.index_of(w.end)))
        for w in windows
        if week.index_of(w.end) > 0 and week.index_of(w.start) < week.intervals
    )


def requirement_of(plan: StaffingPlan, week: Week) -> tuple[int, ...]:
    """Agents on the phones per quarter-hour of the week, from the plan's intervals."""
    step = timedelta(minutes=plan.forecast.interval_minutes)
    by_start = {row.start: row.required_agents for row in plan.rows.all()}
    needed = []
    for index in range(week.intervals):
        moment = week.at(index)
        floor = moment - (moment - week.start) % step
        needed.append(by_start.get(floor, by_start.get(moment, 0)))
    return tuple(needed)


def problem_for(
    week: Week,
    sites: Sequence[Site],
    plans: Mapping[int, StaffingPlan],
    agents: Mapping[int, Sequence[Agent]],
) -> SchedulingProblem:
    planned_sites, planned_agents, requirements = [], [], []
    for site in sites:
        planned_sites.append(
            PlannedSite(
                name=str(site.pk),
                timezone=site.time_zone,
                rules=_rules(site),
                templates=_templates(site),
                days=_days(site, week),
            )
        )
        availability = _availability(site, week) if site.kind == SiteKind.HOMESHORE else None
        for agent in agents[site.pk]:
            planned_agents.append(
                PlannedAgent(
                    id=str(agent.pk),
                    site=str(site.pk),
                    skills=frozenset(skill.code for skill in agent.skills.all()),
                    availability=availability,
                )
            )
        requirements.append(
            Requirement(
                group=f"site-{site.pk}",
                agents=requirement_of(plans[site.pk], week),
                site=str(site.pk),
            )
        )
    return SchedulingProblem(
        week=week,
        sites=tuple(planned_sites),
        agents=tuple(planned_agents),
        requirements=tuple(requirements),
    )
