"""REST API v1 of the planning: forecasts, staffing plans, schedules, adherence, calendars.

Reads are in the viewer's scope (outside it: 404); writes need a planning role on the
site (read-only roles: 403); errors answer {code, message}.
"""

from __future__ import annotations

import math
import zoneinfo
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status
from ninja.pagination import paginate

from relais.apps.accounts.auth import request_user
from relais.apps.pagination import Page
from relais.apps.wfm import reports, schemas, selectors, services, solves
from relais.apps.wfm.calendars import observes_ramadan
from relais.apps.wfm.models import (
    Schedule,
    ScheduledShift,
    ScheduleSolve,
    SiteCalendarOverride,
    SolveStatus,
)

router = Router(tags=["planning"])


@router.get("/wfm/forecasts", response=list[schemas.ForecastRead])
@paginate(Page)
def list_forecasts(request: HttpRequest) -> Any:
    return selectors.forecast_run_list(viewer=request.user)


@router.post("/wfm/forecasts", response={201: schemas.ForecastRead})
def create_forecast(request: HttpRequest, payload: schemas.ForecastCreate) -> Any:
    site = selectors.plannable_site_get(viewer=request.user, site_id=payload.site_id)
    run = services.forecast_run_create(
        actor=request_user(request),
        site=site,
        queue=payload.queue,
        history_csv=payload.history_csv,
        tolerance=payload.tolerance_percent / 100,
        horizon_start=payload.horizon_start,
        horizon_days=payload.horizon_days,
        methods=payload.methods,
    )
    return Status(201, run)


@router.get("/wfm/forecasts/{run_id}", response=schemas.ForecastDetail)
def read_forecast(request: HttpRequest, run_id: int) -> Any:
    return selectors.forecast_run_get(viewer=request.user, run_id=run_id)


@router.get("/wfm/staffing-plans", response=list[schemas.StaffingRead])
@paginate(Page)
def list_staffing_plans(request: HttpRequest) -> Any:
    return selectors.staffing_plan_list(viewer=request.user)


@router.post("/wfm/staffing-plans", response={201: schemas.StaffingRead})
def create_staffing_plan(request: HttpRequest, payload: schemas.StaffingCreate) -> Any:
    run = selectors.forecast_run_get(viewer=request.user, run_id=payload.forecast_id)
    selectors.plannable_site_get(viewer=request.user, site_id=run.site_id)
    fields = payload.model_dump(exclude={"forecast_id"})
    plan = services.staffing_plan_create(actor=request_user(request), forecast=run, **fields)
    return Status(201, plan)


@router.get("/wfm/staffing-plans/{plan_id}", response=schemas.StaffingDetail)
def read_staffing_plan(request: HttpRequest, plan_id: int) -> Any:
    return selectors.staffing_plan_get(viewer=request.user, plan_id=plan_id)


def _schedule(schedule: Schedule, viewer: Any) -> dict[str, Any]:
    sites = selectors.schedule_site_list(viewer=viewer, schedule=schedule)
    return {
        "id": schedule.pk,
        "week_start": schedule.week_start,
        "site_ids": [site.pk for site in sites],
        "status": schedule.status,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "gap_pct": schedule.gap_pct,
        "seconds": schedule.seconds,
        "created_at": schedule.created_at,
    }


def _shift(shift: ScheduledShift) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(shift.site.time_zone)
    return {
        "id": shift.pk,
        "agent_id": shift.agent_id,
        "site_id": shift.site_id,
        "start": shift.start,
        "end": shift.end,
        "local_start": shift.start.astimezone(zone).isoformat(),
        "local_end": shift.end.astimezone(zone).isoformat(),
        "time_zone": shift.site.time_zone,
        "breaks": shift.breaks,
    }


@router.get("/wfm/schedules", response=list[schemas.ScheduleRead])
def list_schedules(request: HttpRequest) -> Any:
    return [_schedule(s, request.user) for s in selectors.schedule_list(viewer=request.user)[:100]]


def _schedule_detail(schedule: Schedule, viewer: Any) -> dict[str, Any]:
    shifts = selectors.shift_list(viewer=viewer, schedule=schedule)
    return {**_schedule(schedule, viewer), "shifts": [_shift(s) for s in shifts]}


def _solve(solve: ScheduleSolve, viewer: Any) -> dict[str, Any]:
    schedule = solve.schedule if solve.status == SolveStatus.DONE else None
    return {
        "id": solve.pk,
        "week_start": solve.week_start,
        "site_ids": sorted(site.pk for site in solve.sites.all()),
        "status": solve.status,
        "status_label": solve.get_status_display(),
        "phase": solve.phase,
        "phase_label": solve.get_phase_display(),
        "percent": solve.percent,
        "error": solve.error,
        "status_url": reverse("api:read_schedule_solve", args=[solve.pk]),
        "schedule": _schedule_detail(schedule, viewer) if schedule is not None else None,
    }


@router.post("/wfm/schedules", response={202: schemas.ScheduleSolveRead})
def create_schedule(
    request: HttpRequest, payload: schemas.ScheduleCreate, response: HttpResponse
) -> Any:
    """Queue the solve as a background job (as the planning page does) and answer at once:
    202 with the solve, its `status_url` (also the Location header) to follow it."""
    sites = [
        selectors.plannable_site_get(viewer=request.user, site_id=site_id)
        for site_id in dict.fromkeys(payload.site_ids)
    ]
    solve = solves.schedule_solve_request(
        actor=request_user(request),
        week_start=payload.week_start,
        sites=sites,
        max_seconds=math.ceil(payload.max_seconds),
    )
    body = _solve(
        selectors.schedule_solve_get(viewer=request.user, solve_id=solve.pk), request.user
    )
    response["Location"] = body["status_url"]
    return Status(202, body)


@router.get("/wfm/schedule-solves/{solve_id}", response=schemas.ScheduleSolveRead)
def read_schedule_solve(request: HttpRequest, solve_id: int) -> Any:
    """A solve's progress; once done, with its schedule (shifts in the viewer's scope)."""
    solves.stale_solves_fail()
    return _solve(
        selectors.schedule_solve_get(viewer=request.user, solve_id=solve_id), request.user
    )


@router.get("/wfm/schedules/{schedule_id}", response=schemas.ScheduleDetail)
def read_schedule(request: HttpRequest, schedule_id: int) -> Any:
    schedule = selectors.schedule_get(viewer=request.user, schedule_id=schedule_id)
    return _schedule_detail(schedule, request.user)


@router.get("/wfm/schedules/{schedule_id}/adherence", response=schemas.AdherenceRead)
def read_adherence(request: HttpRequest, schedule_id: int) -> Any:
    schedule = selectors.schedule_get(viewer=request.user, schedule_id=schedule_id)
    return reports.schedule_adherence(viewer=request.user, schedule=schedule)


@router.get("/wfm/my-shifts", response=list[schemas.ShiftRead])
def list_my_shifts(request: HttpRequest) -> Any:
    return [_shift(s) for s in selectors.my_shift_list(viewer=request.user)[:200]]


def _calendar(site: Any) -> dict[str, Any]:
    override = SiteCalendarOverride.objects.filter(site=site).first()
    return {
        "site_id": site.pk,
        "observes_ramadan": observes_ramadan(site),
        "ramadan_days": override.ramadan_days if override else {},
        "ramadan_max_paid_hours": override.ramadan_max_paid_hours if override else 6,
        "closes_on_public_holidays": override.closes_on_public_holidays if override else None,
    }


@router.get("/wfm/sites/{site_id}/calendar", response=schemas.SiteCalendarRead)
def read_site_calendar(request: HttpRequest, site_id: int) -> Any:
    return _calendar(selectors.planning_site_get(viewer=request.user, site_id=site_id))


@router.put("/wfm/sites/{site_id}/calendar", response=schemas.SiteCalendarRead)
def update_site_calendar(
    request: HttpRequest, site_id: int, payload: schemas.SiteCalendarUpdate
) -> Any:
    site = selectors.plannable_site_get(viewer=request.user, site_id=site_id)
    services.site_calendar_override_set(actor=request_user(request), site=site, **payload.dict())
    return _calendar(site)
