"""Pages of the organisation, each showing only what the viewer's scope contains."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relais.apps.errors import RelaisError
from relais.apps.organisation import selectors


def _local_now(time_zone: str, now: dt.datetime) -> dt.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(time_zone))


@login_required
def sites(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = []
    for site in selectors.site_list(viewer=request.user):
        local = _local_now(site.time_zone, now)
        periods = [p for p in site.opening_hours.all() if p.weekday == local.weekday()]
        is_open = any(p.opens_at <= local.time() < p.closes_at for p in periods)
        rows.append({"site": site, "local": local, "periods": periods, "is_open": is_open})
    return render(request, "organisation/sites.html", {"rows": rows})


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    return render(
        request, "organisation/teams.html", {"teams": selectors.team_list(viewer=request.user)}
    )


@login_required
def agents(request: HttpRequest) -> HttpResponse:
    return render(
        request, "organisation/agents.html", {"agents": selectors.agent_list(viewer=request.user)}
    )


@login_required
def agent_detail(request: HttpRequest, agent_id: int) -> HttpResponse:
    try:
        agent = selectors.agent_get(viewer=request.user, agent_id=agent_id)
    except RelaisError:
        return render(request, "404.html", status=404)
    return render(request, "organisation/agent_detail.html", {"agent": agent})


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    sites_by_partner: dict[int, list[str]] = {}
    for site in selectors.site_list(viewer=request.user).exclude(partner__isnull=True):
        sites_by_partner.setdefault(site.partner_id or 0, []).append(site.name)
    rows = [
        {"partner": partner, "sites": sites_by_partner.get(partner.pk, [])}
        for partner in selectors.partner_list(viewer=request.user)
    ]
    return render(request, "organisation/partners.html", {"rows": rows})
