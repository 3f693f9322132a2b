"""The self-service page of the reports: deflection by topic, counted as
knowledge/deflection.py says, beside the contacts that followed a failed suggestion.
Self-service is the company's, not a partner's: whole-organisation roles only."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.apps.knowledge.deflection import deflection_by_topic
from relais.apps.organisation.scoping import scope_for

DEFAULT_DAYS = 30
MAX_DAYS = 366


@login_required
@require_GET
def deflection(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        raise Http404
    try:
        days = min(max(int(request.GET.get("days", DEFAULT_DAYS)), 1), MAX_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    now = timezone.now()
    rows = deflection_by_topic(since=now - dt.timedelta(days=days), until=now, now=now)
    return render(request, "reporting/deflection.html", {"rows": rows, "days": days})
