"""The home page (`/`), one per role (docs/interface.md, "A home for each role").

The home composes what the apps already read, through their selectors and the viewer's scope;
it computes no figure of its own:
- agent: the desktop; supervisor: the wallboard, which shows their teams live;
- director and administrator: today's figures of the whole organisation by site kind and by
  partner, with the alerts (supervision's `live_figures`); a partner manager: the same, scoped
  by the selector to their partner;
- planner: this week's planning status (wfm's forecasts and schedules);
- quality analyst: where quality work will go (an empty state until it exists);
- partner evaluator: the evaluations of their partner's agents (quality).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from relais.apps.accounts.models import Role
from relais.apps.routing.selectors import queue_list
from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.live.frames import FigureRow
from relais.apps.supervision.live.selectors import live_figures
from relais.apps.wfm.selectors import forecast_run_list, planning_site_list, schedule_list


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def tile_row(row: FigureRow) -> dict[str, Any]:
    """A figure row as the overview's tiles and table show it (percentages 0–100)."""
    return {
        "key": row.key,
        "label": row.label,
        "label_fr": row.label_fr,
        "waiting": row.waiting,
        "longest_wait_seconds": row.longest_wait_seconds,
        "offered": row.offered,
        "answered": row.answered,
        "abandoned": row.abandoned,
        "service_level": _percent(row.service_level),
        # the wallboard's colours (supervision.live.thresholds), computed with the row
        "service_level_state": row.levels.get("service_level", ""),
        "abandonment_rate": _percent(row.abandonment_rate),
        "abandonment_state": row.levels.get("abandonment_rate", ""),
        "agents_by_state": row.agents_by_state,
    }


def overview(*, viewer: Any) -> dict[str, Any]:
    """Today's figures in the viewer's scope: totals, by site kind, by partner, alerts."""
    figures = live_figures(viewer=viewer)
    return {
        "at": figures.at,
        "totals": tile_row(figures.totals),
        "site_kinds": [tile_row(r) for r in figures.rows.get("site_kind", [])],
        "partners": [tile_row(r) for r in figures.rows.get("partner", [])],
        "alerts": figures.alerts,
    }


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def planning_status(*, viewer: Any, today: dt.date) -> dict[str, Any]:
    """This week's planning: per site, the queues forecast and whether a schedule exists;
    the queues that no forecast of this week covers."""
    monday, sunday = week_of(today)
    forecasts = forecast_run_list(viewer=viewer).filter(
        horizon_start__lte=sunday, horizon_end__gte=monday
    )
    schedules = schedule_list(viewer=viewer).filter(week_start=monday)
    scheduled_sites = {site.pk for schedule in schedules for site in schedule.sites.all()}
    forecast_queues: dict[int, set[str]] = {}
    for run in forecasts:
        forecast_queues.setdefault(run.site_id, set()).add(run.queue)
    sites = [
        {
            "site": site,
            "queues": sorted(forecast_queues.get(site.pk, set())),
            "scheduled": site.pk in scheduled_sites,
        }
        for site in planning_site_list(viewer=viewer)
    ]
    covered = set().union(*forecast_queues.values()) if forecast_queues else set()
    missing = [q for q in queue_list(viewer=viewer) if q.code not in covered]
    return {"monday": monday, "sunday": sunday, "sites": sites, "queues_missing": missing}


def _role(user: Any) -> str:
    return Role.ADMINISTRATOR if user.is_superuser else user.role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = _role(user)
    if role == Role.AGENT:
        return redirect("desktop:desktop")
    if role == Role.SUPERVISOR:
        return redirect("supervision:wallboard")
    if role == Role.PLANNER:
        context = planning_status(viewer=user, today=timezone.localdate())
        return render(request, "home/planner.html", context)
    if role in (Role.QUALITY_ANALYST, Role.PARTNER_EVALUATOR):
        return redirect("quality:index")
    if role in (Role.DIRECTOR, Role.ADMINISTRATOR, Role.PARTNER_MANAGER) and may_supervise(user):
        context = {"overview": overview(viewer=user), "role": role}
        return render(request, "home/overview.html", context)
    return render(request, "home/nothing.html")
