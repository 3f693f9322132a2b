"""Writes of the planning: forecast runs, staffing plans, schedules, calendar overrides.

Each one checks that the actor may plan the site(s), computes with relais.core outside any
transaction (a forecast or a solve can take a while), then saves and audits in one
transaction. A refused request raises RelaisError and saves nothing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent, Site
from relais.apps.routing.models import Queue
from relais.apps.wfm import calendars, history, rostering, selectors
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.history import parse_history
from relais.apps.wfm.models import (
    ForecastInterval,
    ForecastRun,
    Schedule,
    ScheduledShift,
    SiteCalendarOverride,
    StaffingInterval,
    StaffingModel,
    StaffingPlan,
)
from relais.core.importing import DEFAULT_TOLERANCE, ImportReport
from relais.core.queueing import StaffingError, StaffingTargets, staff_intervals
from relais.core.wfm.calendars import open_interval_starts
from relais.core.wfm.forecast import (
    IntervalObservation,
    QueueHistory,
    default_methods,
    forecast_queue,
)
from relais.core.wfm.scheduling import SchedulingError, SolverSettings, Week, solve_schedule
from relais.core.wfm.scheduling.solver import Progress

#: The seasonal baselines: fast, no model to compile (the pages' default).
FAST_METHODS = (
    "seasonal_naive",
    "seasonal_average_4w",
    "seasonal_average_8w",
    "weekday_profile_6w",
)
ALL_METHODS = tuple(method.name for method in default_methods())
MAX_HORIZON_DAYS = 62
HISTORY_KEPT = timedelta(days=28)  # shown with the run's chart


def _require_planner(actor: User | None, site: Site) -> None:
    """The command line (no actor) plans everything; people plan the sites they may."""
    if actor is None:
        return
    if not selectors.planning_site_list(viewer=actor).filter(pk=site.pk).exists():
        raise RelaisError(AccountsErrorCode.NOT_FOUND, kind=Site._meta.verbose_name)
    if not selectors.can_plan(actor):
        raise RelaisError(ErrorCode.PLANNING_NOT_ALLOWED)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _methods(names: Sequence[str] | None) -> tuple[Any, ...]:
    known = {method.name: method for method in default_methods()}
    chosen = []
    for name in names or FAST_METHODS:
        if name not in known:
            raise RelaisError(ErrorCode.UNKNOWN_METHOD, value=name, known=", ".join(known))
        chosen.append(known[name])
    return tuple(chosen)


def forecast_run_create(
    *,
    actor: User | None,
    site: Site,
    queue: str,
    history_csv: bytes | str,
    horizon_start: date | None = None,
    horizon_days: int = 7,
    methods: Sequence[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> ForecastRun:
    """Forecast ``queue`` on ``site``'s open intervals from a history CSV; its malformed
    lines are skipped and kept in the run's report when no more than ``tolerance`` (a share
    of the lines), otherwise the file is refused (`history.parse_history`)."""
    _require_planner(actor, site)
    read = parse_history(history_csv, time_zone=site.time_zone, tolerance=tolerance)
    return _forecast_run(
        actor,
        site,
        queue,
        read.interval,
        read.observations,
        horizon_start,
        horizon_days,
        methods,
        "csv",
        read.report,
    )


def forecast_run_from_live(
    *,
    actor: User | None,
    site: Site,
    queue: Queue,
    horizon_start: date | None = None,
    horizon_days: int = 7,
    methods: Sequence[str] | None = None,
    today: date | None = None,
) -> ForecastRun:
    """Forecast ``queue`` from its own contacts recorded in Relais: the last
    ``LIVE_WEEKS`` weeks before today (site's local days), per half-hour, from the day of
    the first contact (`selectors.queue_contact_times` for who reads what)."""
    _require_planner(actor, site)
    zone = calendars.zoneinfo_of(site)
    today = today or timezone.now().astimezone(zone).date()
    end = datetime.combine(today, time(0), tzinfo=zone)
    since = end - timedelta(weeks=history.LIVE_WEEKS)
    contacts = selectors.queue_contact_times(
        viewer=actor, queue=queue, site=site, start=since, end=end
    )
    if not contacts:
        raise RelaisError(ErrorCode.NO_LIVE_HISTORY, queue=queue.label, weeks=history.LIVE_WEEKS)
    first_day = min(arrived for arrived, _ in contacts).astimezone(zone).date()
    first = datetime.combine(first_day, time(0), tzinfo=zone)
    observations = history.observations_from_contacts(contacts, first=first, end=end)
    return _forecast_run(
        actor,
        site,
        queue.code,
        history.LIVE_INTERVAL,
        observations,
        horizon_start,
        horizon_days,
        methods,
        "live",
    )


def _forecast_run(
    actor: User | None,
    site: Site,
    queue: str,
    interval: timedelta,
    observations: tuple[IntervalObservation, ...],
    horizon_start: date | None,
    horizon_days: int,
    methods: Sequence[str] | None,
    source: str,
    report: ImportReport | None = None,
) -> ForecastRun:
    candidates = _methods(methods)
    last_local = observations[-1].start.astimezone(calendars.zoneinfo_of(site)).date()
    first_local = observations[0].start.astimezone(calendars.zoneinfo_of(site)).date()
    start = horizon_start or last_local + timedelta(days=1)
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS or start <= last_local:
        raise RelaisError(ErrorCode.INVALID_HORIZON)
    end = start + timedelta(days=horizon_days - 1)
    queue_history = QueueHistory(queue, site.time_zone, interval, observations)
    calendar, closures = calendars.forecast_calendar_of(site, first_local, end, queue_history)
    zone = calendars.zoneinfo_of(site)
    horizon = [
        s for s in open_interval_starts(calendar, interval) if s.astimezone(zone).date() >= start
    ]
    if not horizon:
        raise RelaisError(ErrorCode.SITE_NEVER_OPEN, site=site.name)
    try:
        with warnings.catch_warnings():  # empty means in the backtest: MASE is then NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            result = forecast_queue(
                queue_history, horizon, closed_dates=calendar.closed_dates, methods=candidates
            )
    except ValueError as refused:  # NotEnoughHistory and the core's input checks
        raise RelaisError(ErrorCode.HISTORY_TOO_SHORT, details=str(refused)) from refused
    chosen = result.score(result.method)
    kept_from = horizon[0] - HISTORY_KEPT
    with transaction.atomic():
        run = ForecastRun.objects.create(
            site=site,
            queue=queue,
            interval_minutes=int(interval.total_seconds() // 60),
            method=result.method,
            wape=_finite(chosen.wape),
            mase=_finite(chosen.mase),
            scores=[
                {"method": s.method, "wape": _finite(s.wape), "mase": _finite(s.mase)}
                for s in result.scores
            ],
            horizon_start=start,
            horizon_end=end,
            import_report=report.as_json() if report is not None else None,
            created_by=actor,
            created_at=timezone.now(),
        )
        rows = [
            ForecastInterval(
                run=run, start=o.start, volume=o.volume, aht_seconds=o.aht_seconds, is_history=True
            )
            for o in observations
            if o.start >= kept_from
        ]
        rows += [
            ForecastInterval(
                run=run, start=f.start, volume=max(0.0, f.volume), aht_seconds=f.aht_seconds
            )
            for f in result.intervals
        ]
        ForecastInterval.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="wfm.forecast_run.create",
            obj=run,
            changes={
                "site": site.name,
                "queue": queue,
                "history": source,
                "skipped_lines": report.skipped if report is not None else 0,
                "method": run.method,
                "wape": run.wape,
                "holidays": {
                    str(c.date): {"closed": c.closed, "reason": c.reason}
                    for c in closures
                    if start <= c.date <= end
                },
            },
        )
    return run


def staffing_plan_create(
    *,
    actor: User | None,
    forecast: ForecastRun,
    model: str = StaffingModel.ERLANG_C,
    service_level: float | None = 0.8,
    threshold_s: float = 20.0,
    max_occupancy: float | None = None,
    max_asa_s: float | None = None,
    max_abandonment: float | None = None,
    patience_s: float | None = None,
    shrinkage: float = 0.3,
    default_aht_s: float = 300.0,
) -> StaffingPlan:
    """Agents per interval for ``forecast`` on its site (Erlang C, or A with patience)."""
    site = forecast.site
    _require_planner(actor, site)
    if model not in StaffingModel.values:
        raise RelaisError(ErrorCode.INVALID_TARGETS, details=f"unknown model {model!r}")
    if model == StaffingModel.ERLANG_A and not (patience_s and patience_s > 0):
        raise RelaisError(ErrorCode.INVALID_TARGETS, details="Erlang A needs a patience > 0 s")
    if not 0 <= shrinkage < 1 or default_aht_s <= 0:
        raise RelaisError(ErrorCode.INVALID_TARGETS, details="shrinkage in [0, 1), AHT > 0")
    try:
        targets = StaffingTargets(
            service_level=service_level,
            threshold_s=threshold_s,
            max_asa_s=max_asa_s,
            max_abandonment=max_abandonment,
            max_occupancy=max_occupancy,
        )
    except ValueError as bad:
        raise RelaisError(ErrorCode.INVALID_TARGETS, details=str(bad)) from bad
    intervals = list(forecast.values.filter(is_history=False).order_by("start"))
    volumes = np.array([row.volume for row in intervals], dtype=np.float64)
    aht = np.array([row.aht_seconds or default_aht_s for row in intervals], dtype=np.float64)
    patience = None if model == StaffingModel.ERLANG_C else np.full(len(intervals), patience_s)
    try:
        staffed = staff_intervals(
            volumes=volumes,
            aht_s=aht,
            targets=targets,
            interval_s=forecast.interval_minutes * 60.0,
            patience_s=patience,
            shrinkage=shrinkage,
        )
    except StaffingError as unreachable:
        raise RelaisError(ErrorCode.STAFFING_UNREACHABLE, details=str(unreachable)) from unreachable
    used = {
        "service_level": service_level,
        "threshold_s": threshold_s,
        "max_occupancy": max_occupancy,
        "max_asa_s": max_asa_s,
        "max_abandonment": max_abandonment,
        "patience_s": patience_s if model == StaffingModel.ERLANG_A else None,
        "shrinkage": shrinkage,
        "default_aht_s": default_aht_s,
    }
    with transaction.atomic():
        plan = StaffingPlan.objects.create(
            site=site,
            forecast=forecast,
            model=model,
            targets=used,
            created_by=actor,
            created_at=timezone.now(),
        )
        StaffingInterval.objects.bulk_create(
            StaffingInterval(
                plan=plan,
                start=row.start,
                volume=row.volume,
                aht_seconds=float(aht[i]),
                required_agents=int(staffed.agents[i]),
                scheduled_agents=int(staffed.scheduled_agents[i]),
                service_level=float(staffed.service_level[i]),
                occupancy=float(staffed.occupancy[i]),
                abandonment=float(staffed.abandonment_probability[i]),
            )
            for i, row in enumerate(intervals)
        )
        audit_record(
            actor=actor,
            action="wfm.staffing_plan.create",
            obj=plan,
            changes={"site": site.name, "forecast": forecast.pk, "model": model, **used},
        )
    return plan


def schedule_inputs(
    actor: User | None, week_start: date, sites: Sequence[Site]
) -> tuple[Week, dict[int, StaffingPlan], dict[int, list[Agent]]]:
    """The week, each site's newest staffing plan and active agents; refused if one lacks."""
    if not sites:
        raise RelaisError(ErrorCode.SCHEDULING_FAILED, details="choose at least one site")
    for site in sites:
        _require_planner(actor, site)
    week = rostering.week_of(week_start, sites)
    end = week.at(week.intervals)
    plans, agents = {}, {}
    for site in sites:
        plan = selectors.latest_staffing_plan(site=site, start=week.start, end=end)
        if plan is None:
            raise RelaisError(ErrorCode.NO_STAFFING, site=site.name, week=week_start.isoformat())
        plans[site.pk] = plan
        agents[site.pk] = list(selectors.schedulable_agent_list(site=site))
        if not agents[site.pk]:
            raise RelaisError(ErrorCode.NO_AGENTS, site=site.name)
    return week, plans, agents


def schedule_create(
    *,
    actor: User | None,
    week_start: date,
    sites: Sequence[Site],
    settings: SolverSettings | None = None,
    progress: Progress | None = None,
) -> Schedule:
    """A week of shifts for ``sites`` from their newest staffing plans and active agents.

    ``progress(phase, share)`` hears the solver's phases (`ScheduleSolve` jobs store them)."""
    week, plans, agents = schedule_inputs(actor, week_start, sites)
    problem = rostering.problem_for(week, sites, plans, agents)
    try:
        problem.validate()
        solved = solve_schedule(problem, settings or SolverSettings(max_seconds=30), progress)
    except (SchedulingError, ValueError) as failed:
        raise RelaisError(ErrorCode.SCHEDULING_FAILED, details=str(failed)) from failed
    report = solved.report
    with transaction.atomic():
        schedule = Schedule.objects.create(
            week_start=week_start,
            starts_at=week.start,
            status=report.status,
            objective=report.objective,
            bound=report.bound,
            gap_pct=report.gap_pct,
            seconds=report.seconds,
            requirements={
                str(site.pk): list(rostering.requirement_of(plans[site.pk], week)) for site in sites
            },
            created_by=actor,
            created_at=timezone.now(),
        )
        schedule.sites.set(sites)
        schedule.staffing_plans.set(plans.values())
        ScheduledShift.objects.bulk_create(
            ScheduledShift(
                schedule=schedule,
                agent_id=int(shift.agent_id),
                site_id=int(shift.site),
                start=week.at(shift.start),
                end=week.at(shift.end),
                breaks=[
                    {
                        "name": b.name,
                        "start": week.at(b.start).isoformat(),
                        "end": week.at(b.end).isoformat(),
                        "paid": b.paid,
                    }
                    for b in shift.breaks
                ],
            )
            for shift in solved.shifts
        )
        audit_record(
            actor=actor,
            action="wfm.schedule.create",
            obj=schedule,
            changes={
                "week_start": week_start,
                "sites": [site.name for site in sites],
                "objective": report.objective,
                "bound": report.bound,
                "shifts": len(solved.shifts),
            },
        )
    return schedule


def site_calendar_override_set(
    *,
    actor: User | None,
    site: Site,
    observes_ramadan: bool | None,
    ramadan_days: dict[str, list[str]],
    ramadan_max_paid_hours: int = 6,
    closes_on_public_holidays: bool | None = None,
) -> SiteCalendarOverride:
    """Record how a site observes Ramadan (moon sighting: first and last day per Hijri year)
    and whether it closes on public holidays (None: the forecast learns it from history)."""
    _require_planner(actor, site)
    try:
        calendars.ramadan_overrides(ramadan_days)
    except (ValueError, TypeError) as bad:
        raise RelaisError(ErrorCode.INVALID_RAMADAN_DAYS, details=str(bad)) from bad
    if not 1 <= ramadan_max_paid_hours <= 12:
        raise RelaisError(ErrorCode.INVALID_RAMADAN_DAYS, details="1 to 12 paid hours a day")
    with transaction.atomic():
        override, creating = SiteCalendarOverride.objects.select_for_update().get_or_create(
            site=site
        )
        fields = {
            "observes_ramadan": observes_ramadan,
            "ramadan_days": {str(k): [str(d) for d in v] for k, v in ramadan_days.items()},
            "ramadan_max_paid_hours": ramadan_max_paid_hours,
            "closes_on_public_holidays": closes_on_public_holidays,
        }
        changes = {
            name: [getattr(override, name), value]
            for name, value in fields.items()
            if getattr(override, name) != value
        }
        if creating or changes:
            for name, value in fields.items():
                setattr(override, name, value)
            override.save()
            audit_record(
                actor=actor, action="wfm.site_calendar.update", obj=override, changes=changes
            )
    return override
