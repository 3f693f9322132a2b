"""The reports page (filters, periods, site kinds side by side) and its exports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relais.apps.organisation.models import SiteKind
from relais.apps.organisation.selectors import agent_list, partner_list, site_list, team_list
from relais.apps.reporting import exports
from relais.apps.reporting.selectors import (
    FILTERS,
    GROUPS,
    PERIODS,
    ReportQuery,
    may_see_reports,
    report,
    site_kind_comparison,
)
from relais.apps.routing.models import Channel, Queue


def _date(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def query_of(request: HttpRequest) -> ReportQuery:
    today = timezone.localdate()
    start = _date(request.GET.get("start"), today - dt.timedelta(days=6))
    end = _date(request.GET.get("end"), today)
    if end < start or (end - start).days > 400:
        end = start
    period = request.GET.get("period", "day")
    group_by = request.GET.get("group_by") or None
    return ReportQuery(
        start=start,
        end=end,
        period=period if period in PERIODS else "day",
        group_by=group_by if group_by in GROUPS else None,
        filters={name: request.GET[name] for name in FILTERS if request.GET.get(name)},
    )


def _checked(request: HttpRequest) -> None:
    if not may_see_reports(request.user):
        raise Http404


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _checked(request)
    viewer = request.user
    query = query_of(request)
    comparison = site_kind_comparison(viewer=viewer, query=query)
    context = {
        "query": query,
        "rows": report(viewer=viewer, query=query),
        "comparison": [(str(label), comparison[kind]) for kind, label in SiteKind.choices],
        "periods": PERIODS,
        "groups": GROUPS,
        "queues": Queue.objects.all(),
        "channels": Channel.choices,
        "site_kinds": SiteKind.choices,
        "sites": site_list(viewer=viewer),
        "partners": partner_list(viewer=viewer),
        "teams": team_list(viewer=viewer),
        "agents": agent_list(viewer=viewer).select_related("user"),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "reporting/reports.html", context)


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    _checked(request)
    rows = report(viewer=request.user, query=query_of(request))
    if kind == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="relais-report.{kind}"'
    return response
