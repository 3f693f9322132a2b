"""The wallboard page: the live figures of the viewer's scope and the forms of the actions
they may take (which post to `actions.views`); the page then follows `/ws/supervision/`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.actions.selectors import wallboard_forms
from relais.apps.supervision.live.selectors import live_figures


@login_required
def wallboard(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        raise Http404
    figures = live_figures(viewer=request.user)
    context = {
        "figures": figures.model_dump(mode="json"),
        **wallboard_forms(viewer=request.user),
    }
    return render(request, "supervision/wallboard.html", context)
