"""The planner's pages: forecast, staffing, schedule (Gantt in local time), adherence.

Reads go through the selectors (viewer's scope: outside it, 404), writes through the
services; a refused write shows its message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.wfm import reports, request_selectors, selectors, services, solves, wording
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.forms import ForecastForm, HistorySource, ScheduleForm, StaffingForm
from relais.apps.wfm.models import Schedule, StaffingPlan

View = Callable[..., HttpResponse]


def refusals_as_pages(view: View) -> View:
    """A RelaisError out of scope is a 404 page, a read-only role's write a 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RelaisError as refused:
            if refused.code == AccountsErrorCode.NOT_FOUND:
                return render(request, "404.html", status=404)
            if refused.status == 403:
                return render(request, "404.html", {"message": refused.message}, status=403)
            raise

    return wrapped


def _next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def _home_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    viewer = request.user
    sites = selectors.planning_site_list(viewer=viewer)
    plannable = sites if selectors.can_plan(viewer) else sites.none()
    return {
        "sites": sites,
        "can_plan": selectors.can_plan(viewer),
        "forecast_form": ForecastForm(
            sites=plannable, queues=selectors.forecast_queue_list(viewer=viewer)
        ),
        "schedule_form": ScheduleForm(sites=plannable, initial={"week_start": _next_monday()}),
        "forecasts": selectors.forecast_run_list(viewer=viewer)[:20],
        "plans": selectors.staffing_plan_list(viewer=viewer)[:20],
        "schedules": selectors.schedule_list(viewer=viewer)[:20],
        "solves": selectors.schedule_solve_list(viewer=viewer)[:10],
        **extra,
    }


@login_required
def planning(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.AGENT and not request.user.is_superuser:  # type: ignore[union-attr]
        return redirect("wfm:my_schedule")
    return render(request, "wfm/planning.html", _home_context(request))


def _refused(request: HttpRequest, error: RelaisError, **forms: Any) -> HttpResponse:
    return render(
        request, "wfm/planning.html", _home_context(request, error=error, **forms), status=400
    )


@login_required
@require_POST
@refusals_as_pages
def forecast_create(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    if not selectors.can_plan(viewer):
        raise RelaisError(ErrorCode.PLANNING_NOT_ALLOWED)
    form = ForecastForm(
        request.POST,
        request.FILES,
        sites=selectors.planning_site_list(viewer=viewer),
        queues=selectors.forecast_queue_list(viewer=viewer),
    )
    if not form.is_valid():
        return render(
            request, "wfm/planning.html", _home_context(request, forecast_form=form), status=400
        )
    data = form.cleaned_data
    common = {
        "actor": viewer,
        "site": data["site"],
        "horizon_start": data["horizon_start"],
        "horizon_days": data["horizon_days"],
        "methods": None if not data["all_methods"] else services.ALL_METHODS,
    }
    try:
        if data["source"] == HistorySource.CSV:
            run = services.forecast_run_create(
                queue=data["queue"].code,
                history_csv=data["history"].read(),
                tolerance=form.tolerance(),
                **common,
            )
        else:
            run = services.forecast_run_from_live(queue=data["queue"], **common)
    except RelaisError as refused:
        if refused.code in {AccountsErrorCode.NOT_FOUND, ErrorCode.PLANNING_NOT_ALLOWED}:
            raise
        return _refused(request, refused, forecast_form=form)
    return redirect("wfm:forecast", run_id=run.pk)


@login_required
@refusals_as_pages
def forecast_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.forecast_run_get(viewer=request.user, run_id=run_id)
    return render(
        request,
        "wfm/forecast.html",
        {
            "run": run,
            "series": reports.forecast_chart(run),
            "total": reports.forecast_total(run),
            "staffing_form": StaffingForm(),
            "can_plan": selectors.can_plan(request.user),
            "plans": selectors.staffing_plan_list(viewer=request.user).filter(forecast=run),
        },
    )


@login_required
@require_POST
@refusals_as_pages
def staffing_create(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.forecast_run_get(viewer=request.user, run_id=run_id)
    selectors.plannable_site_get(viewer=request.user, site_id=run.site_id)
    form = StaffingForm(request.POST)
    error = None
    if form.is_valid():
        try:
            plan = services.staffing_plan_create(
                actor=request.user,  # type: ignore[arg-type]
                forecast=run,
                **form.service_kwargs(),
            )
        except RelaisError as refused:
            error = refused
        else:
            return redirect("wfm:staffing", plan_id=plan.pk)
    context = {
        "run": run,
        "series": reports.forecast_chart(run),
        "total": reports.forecast_total(run),
        "staffing_form": form,
        "can_plan": True,
        "error": error,
        "plans": selectors.staffing_plan_list(viewer=request.user).filter(forecast=run),
    }
    return render(request, "wfm/forecast.html", context, status=400)


@login_required
@refusals_as_pages
def staffing_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.staffing_plan_get(viewer=request.user, plan_id=plan_id)
    context = staffing_context(plan, can_publish=request_selectors.can_publish(request.user))
    return render(request, "wfm/staffing.html", context)


def staffing_context(plan: StaffingPlan, **extra: Any) -> dict[str, Any]:
    return {
        "plan": plan,
        "series": reports.staffing_chart(plan),
        "figures": reports.staffing_figures(plan),
        "rows": plan.rows.all(),
        **extra,
    }


@login_required
@require_POST
@refusals_as_pages
def schedule_create(request: HttpRequest) -> HttpResponse:
    """Queue a solve (a background job) and show its progress."""
    viewer = request.user
    if not selectors.can_plan(viewer):
        raise RelaisError(ErrorCode.PLANNING_NOT_ALLOWED)
    form = ScheduleForm(request.POST, sites=selectors.planning_site_list(viewer=viewer))
    if not form.is_valid():
        return render(
            request, "wfm/planning.html", _home_context(request, schedule_form=form), status=400
        )
    try:
        solve = solves.schedule_solve_request(
            actor=viewer,  # type: ignore[arg-type]
            week_start=form.cleaned_data["week_start"],
            sites=list(form.cleaned_data["sites"]),
            max_seconds=form.cleaned_data["max_seconds"],
        )
    except RelaisError as refused:
        if refused.code in {AccountsErrorCode.NOT_FOUND, ErrorCode.PLANNING_NOT_ALLOWED}:
            raise
        return _refused(request, refused, schedule_form=form)
    return redirect("wfm:solve", solve_id=solve.pk)


def _summary(request: HttpRequest, schedule: Schedule) -> dict[str, str]:
    return wording.solve_sentences(reports.solve_summary(viewer=request.user, schedule=schedule))


@login_required
@refusals_as_pages
def solve_detail(request: HttpRequest, solve_id: int) -> HttpResponse:
    solves.stale_solves_fail()
    solve = selectors.schedule_solve_get(viewer=request.user, solve_id=solve_id)
    context: dict[str, Any] = {"solve": solve}
    if solve.schedule is not None:
        context["summary"] = _summary(request, solve.schedule)
        context["schedule"] = solve.schedule
    return render(request, "wfm/solve.html", context)


@login_required
@refusals_as_pages
def solve_status(request: HttpRequest, solve_id: int) -> HttpResponse:
    solves.stale_solves_fail()
    solve = selectors.schedule_solve_get(viewer=request.user, solve_id=solve_id)
    return JsonResponse(
        {
            "status": solve.status,
            "status_label": solve.get_status_display(),
            "phase": solve.phase,
            "phase_label": solve.get_phase_display(),
            "percent": solve.percent,
        }
    )


@login_required
@refusals_as_pages
def schedule_detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.schedule_get(viewer=request.user, schedule_id=schedule_id)
    agent = request.GET.get("agent", "")
    gantts = reports.schedule_gantt(
        viewer=request.user, schedule=schedule, agent_id=int(agent) if agent.isdigit() else None
    )
    return render(
        request,
        "wfm/schedule.html",
        {
            "schedule": schedule,
            "gantts": gantts,
            "agent_filter": agent.isdigit(),
            "summary": _summary(request, schedule),
        },
    )


@login_required
@refusals_as_pages
def adherence(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.schedule_get(viewer=request.user, schedule_id=schedule_id)
    report = reports.schedule_adherence(viewer=request.user, schedule=schedule)
    return render(request, "wfm/adherence.html", {"schedule": schedule, "report": report})


@login_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    shifts = selectors.my_shift_list(viewer=request.user)
    return render(request, "wfm/my_schedule.html", {"shifts": shifts})
