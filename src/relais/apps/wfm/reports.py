"""Read-side views of the plans: Gantt rows in local time, chart series, adherence.

Everything here reads through the selectors (so in the viewer's scope) and returns plain
data for the pages and the API.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import add
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.apps.l10n.formatting import day
from relais.apps.organisation.models import Site
from relais.apps.wfm import selectors
from relais.apps.wfm.labels import activity_label
from relais.apps.wfm.models import ForecastRun, Schedule, ScheduledShift, StaffingPlan
from relais.core.wfm.adherence import (
    ScheduledActivity,
    adherence_by_agent,
    adherence_by_site,
)


def _local(moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _axis_label(local: str) -> str:
    """A local time key (``2025-06-02 08:00``) as the reader writes it (``02/06/2025 08:00``)."""
    return f"{day(date.fromisoformat(local[:10]), language=get_language())} {local[11:]}"


def _line_chart(
    times: list[str], lines: list[tuple[Any, str, dict[str, Any], dict[str, Any]]]
) -> dict[str, Any]:
    """A chart of static/relais/charts.js over local times: per line (name, colour, {time:
    value}, options such as the axis or the step); the axis reads in the viewer's language."""
    return {
        "categories": [_axis_label(t) for t in times],
        "zoom": True,
        "axes": [{"unit": "count"}, {"unit": "decimal"}],
        "series": [
            {
                "name": name,
                "type": "line",
                "color": colour,
                **options,
                "values": [values.get(t) for t in times],
            }
            for name, colour, values, options in lines
        ],
    }


def forecast_chart(run: ForecastRun) -> dict[str, Any]:
    """History and forecast volumes on the site's local clock."""
    zone = zoneinfo.ZoneInfo(run.site.time_zone)
    history: dict[str, float] = {}
    forecast: dict[str, float] = {}
    for row in run.values.all():
        (history if row.is_history else forecast)[_local(row.start, zone)] = round(row.volume, 1)
    chart = _line_chart(
        sorted(history.keys() | forecast.keys()),
        [(_("History"), "gray-500", history, {}), (_("Forecast"), "orange", forecast, {})],
    )
    chart["axes"] = [{"unit": "decimal"}]
    return chart


def forecast_total(run: ForecastRun) -> float:
    """Contacts the run forecasts over its horizon."""
    return sum(row.volume for row in run.values.all() if not row.is_history)


@dataclass(frozen=True)
class StaffingFigures:
    """A staffing plan in four figures: its busiest interval's need, its most scheduled
    positions, the contacts it expects, and the lowest service level of an interval with
    contacts (the plan's weakest point)."""

    peak_required: int
    peak_scheduled: int
    contacts: float
    lowest_service_level: float | None


def staffing_figures(plan: StaffingPlan) -> StaffingFigures:
    rows = list(plan.rows.all())
    return StaffingFigures(
        max((r.required_agents for r in rows), default=0),
        max((r.scheduled_agents for r in rows), default=0),
        sum(r.volume for r in rows),
        min((r.service_level for r in rows if r.volume > 0), default=None),
    )


def staffing_chart(plan: StaffingPlan) -> dict[str, Any]:
    """Required agents, scheduled positions (left axis) and contacts (right axis)."""
    zone = zoneinfo.ZoneInfo(plan.site.time_zone)
    rows = [(_local(r.start, zone), r) for r in plan.rows.all()]
    step = {"step": "end"}
    return _line_chart(
        [t for t, _row in rows],
        [
            (_("Required agents"), "orange", {t: r.required_agents for t, r in rows}, step),
            (_("Scheduled positions"), "blue", {t: r.scheduled_agents for t, r in rows}, step),
            (_("Contacts"), "gray-500", {t: round(r.volume, 1) for t, r in rows}, {"axis": 1}),
        ],
    )


@dataclass
class Bar:
    """A shift or break on a local day: position and width in % of 24 h, and its label."""

    left: float
    width: float
    label: str
    breaks: list[Bar] = field(default_factory=list)


@dataclass
class GanttRow:
    agent_id: int
    agent: str
    days: list[list[Bar]]


@dataclass
class SiteGantt:
    site: Site
    time_zone: str
    days: list[date]
    rows: list[GanttRow]
    coverage: dict[str, Any]

    @property
    def chart_id(self) -> str:
        return f"coverage-{self.site.pk}"


def _bar(start: datetime, end: datetime, day_start: datetime, zone: zoneinfo.ZoneInfo) -> Bar:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    left = (local_start - day_start).total_seconds() / 864.0
    width = (local_end - local_start).total_seconds() / 864.0
    return Bar(left, width, f"{local_start:%H:%M}–{local_end:%H:%M}")


def _shift_bar(shift: ScheduledShift, day_start: datetime, zone: zoneinfo.ZoneInfo) -> Bar:
    bar = _bar(shift.start, shift.end, day_start, zone)
    for pause in shift.breaks:
        start, end = parse_datetime(pause["start"]), parse_datetime(pause["end"])
        if start and end:
            piece = _bar(start, end, day_start, zone)  # then relative to the shift's bar
            piece.left = 100 * (piece.left - bar.left) / bar.width
            piece.width = 100 * piece.width / bar.width
            piece.label = f"{activity_label(pause['name'])} {piece.label}"
            bar.breaks.append(piece)
    return bar


def _required_and_working(
    schedule: Schedule, site: Site, shifts: list[ScheduledShift]
) -> tuple[list[int], list[int]]:
    """Agents required and agents working (not on a break) per quarter-hour of the week."""
    required = [int(v) for v in schedule.requirements.get(str(site.pk), [])]
    step = timedelta(minutes=15)
    working = [0] * len(required)
    for shift in shifts:
        lo = int((shift.start - schedule.starts_at) / step)
        hi = int((shift.end - schedule.starts_at) / step)
        pauses = [(parse_datetime(p["start"]), parse_datetime(p["end"])) for p in shift.breaks]
        for index in range(max(lo, 0), min(hi, len(working))):
            moment = schedule.starts_at + index * step
            if not any(a and b and a <= moment < b for a, b in pauses):
                working[index] += 1
    return required, working


def _coverage(schedule: Schedule, site: Site, shifts: list[ScheduledShift]) -> dict[str, Any]:
    """Required and working agents per quarter-hour, on the site's local clock (a chart)."""
    zone = zoneinfo.ZoneInfo(site.time_zone)
    required, working = _required_and_working(schedule, site, shifts)
    step = timedelta(minutes=15)
    labels = [_local(schedule.starts_at + i * step, zone) for i in range(len(required))]
    chart = _line_chart(
        labels,
        [
            (
                _("Required agents"),
                "orange",
                dict(zip(labels, required, strict=True)),
                {"step": "end"},
            ),
            (
                _("Agents working"),
                "green",
                dict(zip(labels, working, strict=True)),
                {"step": "end"},
            ),
        ],
    )
    chart["axes"] = [{"unit": "count"}]
    return chart


#: Below this gap to the lower bound (%), a schedule is called the best possible.
BEST_GAP_PCT = 0.05


@dataclass(frozen=True)
class SolveSummary:
    """A schedule's result in the planner's words: how much of the requirement it covers
    and how far it is from the best possible (the solver's lower bound)."""

    intervals_needed: int
    intervals_covered: int
    hours_required: float
    hours_covered: float
    gap_pct: float
    status: str

    @property
    def intervals_pct(self) -> float:
        return (
            100.0 * self.intervals_covered / self.intervals_needed
            if self.intervals_needed
            else 100.0
        )

    @property
    def hours_pct(self) -> float:
        return 100.0 * self.hours_covered / self.hours_required if self.hours_required else 100.0

    @property
    def hours_short(self) -> float:
        return self.hours_required - self.hours_covered

    @property
    def is_best(self) -> bool:
        return self.status == "optimal" or self.gap_pct < BEST_GAP_PCT


def solve_summary(*, viewer: Any, schedule: Schedule) -> SolveSummary:
    """Coverage of the requirement over the viewer's sites of ``schedule``, and its gap."""
    by_site: dict[int, list[ScheduledShift]] = defaultdict(list)
    for shift in selectors.shift_list(viewer=viewer, schedule=schedule):
        by_site[shift.site_id].append(shift)
    needed = covered = 0
    quarters_required = quarters_covered = 0
    for site in selectors.schedule_site_list(viewer=viewer, schedule=schedule):
        required, working = _required_and_working(schedule, site, by_site.get(site.pk, []))
        for want, have in zip(required, working, strict=True):
            if want > 0:
                needed += 1
                covered += have >= want
            quarters_required += want
            quarters_covered += min(want, have)
    return SolveSummary(
        intervals_needed=needed,
        intervals_covered=covered,
        hours_required=quarters_required / 4,
        hours_covered=quarters_covered / 4,
        gap_pct=max(0.0, schedule.gap_pct),
        status=schedule.status,
    )


def schedule_gantt(
    *, viewer: Any, schedule: Schedule, agent_id: int | None = None
) -> list[SiteGantt]:
    """Per visible site, one row per agent and one cell per local day, in local time."""
    shifts = selectors.shift_list(viewer=viewer, schedule=schedule)
    if agent_id is not None:
        shifts = shifts.filter(agent_id=agent_id)
    by_site: dict[int, list[ScheduledShift]] = defaultdict(list)
    for shift in shifts:
        by_site[shift.site_id].append(shift)
    gantts = []
    for site in selectors.schedule_site_list(viewer=viewer, schedule=schedule):
        zone = zoneinfo.ZoneInfo(site.time_zone)
        first = schedule.week_start
        days = [first + timedelta(days=d) for d in range(7)]
        rows: dict[int, GanttRow] = {}
        for shift in by_site.get(site.pk, []):
            row = rows.setdefault(
                shift.agent_id,
                GanttRow(shift.agent_id, str(shift.agent), [[] for _day in days]),
            )
            local_day = shift.start.astimezone(zone).date()
            if local_day in days:
                index = days.index(local_day)
                day_start = datetime.combine(local_day, datetime.min.time(), tzinfo=zone)
                row.days[index].append(_shift_bar(shift, day_start, zone))
        ordered = sorted(rows.values(), key=lambda r: r.agent)
        coverage = _coverage(schedule, site, by_site.get(site.pk, []))
        gantts.append(SiteGantt(site, site.time_zone, days, ordered, coverage))
    return gantts


@dataclass
class AdherenceLine:
    """Minutes scheduled and worked up to ``measured_until``, and minutes still planned."""

    label: str
    site: str
    scheduled_minutes: int
    worked_minutes: int
    adherence_pct: float | None
    conformance_pct: float | None
    planned_minutes: int


@dataclass
class AdherenceReport:
    """``measured_until`` = min(end, now): the figures cover ``[start, measured_until)``."""

    start: datetime
    end: datetime
    measured_until: datetime
    has_state_log: bool
    agents: list[AdherenceLine]
    sites: list[AdherenceLine]
    total: AdherenceLine | None = None

    @property
    def progress(self) -> str:
        """``ahead`` (nothing elapsed yet), ``in_progress`` or ``over``."""
        if self.measured_until <= self.start:
            return "ahead"
        return "over" if self.measured_until >= self.end else "in_progress"


def _activities(shift: ScheduledShift) -> list[ScheduledActivity]:
    agent = str(shift.agent_id)
    pauses = sorted(
        (parse_datetime(p["start"]), parse_datetime(p["end"]), str(p["name"])) for p in shift.breaks
    )
    pieces, cursor = [], shift.start
    for start, end, name in pauses:
        if start is None or end is None:
            continue
        if start > cursor:
            pieces.append(ScheduledActivity(agent, cursor, start, "work"))
        pieces.append(ScheduledActivity(agent, start, end, name))
        cursor = end
    if cursor < shift.end:
        pieces.append(ScheduledActivity(agent, cursor, shift.end, "work"))
    return pieces


def schedule_adherence(
    *,
    viewer: Any,
    schedule: Schedule,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> AdherenceReport:
    """Adherence per agent and per site from the agents' state changes, measured up to
    ``now`` (default: the current time); what is scheduled later is planned minutes."""
    start = start or schedule.starts_at
    end = end or schedule.starts_at + timedelta(days=7)
    now = now or timezone.now()
    measured_until = max(start, min(end, now))
    shifts = list(selectors.shift_list(viewer=viewer, schedule=schedule))
    agents = {shift.agent_id: shift for shift in shifts}
    log = selectors.state_change_list(agent_ids=sorted(agents), start=start, end=measured_until)
    planned = [piece for shift in shifts for piece in _activities(shift)]
    per_agent = adherence_by_agent(planned, log, start, end, now=now)
    site_of = {str(agent_id): shift.site.name for agent_id, shift in agents.items()}
    per_site = adherence_by_site(per_agent, site_of)

    def line(label: str, site: str, figures: Any) -> AdherenceLine:
        return AdherenceLine(
            label,
            site,
            int(figures.scheduled.total_seconds() // 60),
            int(figures.worked.total_seconds() // 60),
            figures.adherence_pct,
            figures.conformance_pct,
            int(figures.scheduled_ahead.total_seconds() // 60),
        )

    agent_lines = [
        line(str(agents[int(agent_id)].agent), site_of[agent_id], figures)
        for agent_id, figures in per_agent.items()
        if int(agent_id) in agents
    ]
    return AdherenceReport(
        start=start,
        end=end,
        measured_until=measured_until,
        has_state_log=bool(log),
        agents=sorted(agent_lines, key=lambda a: (a.site, a.label)),
        sites=[line(site, site, figures) for site, figures in sorted(per_site.items())],
        total=line("", "", reduce(add, per_site.values())) if per_site else None,
    )
