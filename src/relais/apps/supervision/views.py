"""The wallboard page: the live figures of the viewer's scope and the forms of the actions
they may take (which post to `actions.views`); the page then follows `/ws/supervision/`.

`?window=opening` (default) or `?window=2|4|8|12` (last hours) chooses the day chart's
window; `?tv=1` is the TV mode for a wall screen (no navigation, no forms, large figures),
with the same scope. Alerts are acknowledged by POST to `alert_ack` (JSON for the page's
script, a redirect with a message without it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.apps.errors import RelaisError
from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.actions.selectors import wallboard_forms
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.live.acks import alert_acknowledge
from relais.apps.supervision.live.selectors import live_figures, viewer_window
from relais.apps.supervision.live.window import LAST_HOURS


def _last_hours(value: str) -> int | None:
    """The `window` parameter: "" or "opening" → None; one of LAST_HOURS → that; else an error."""
    if value in ("", "opening"):
        return None
    if value.isdigit() and int(value) in LAST_HOURS:
        return int(value)
    raise RelaisError(ErrorCode.INVALID_WINDOW)


@login_required
def wallboard(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        raise Http404
    error = None
    try:
        last_hours = _last_hours(request.GET.get("window", ""))
    except RelaisError as refused:
        error, last_hours = refused.message, None
    figures = live_figures(viewer=request.user)
    window = viewer_window(viewer=request.user, now=figures.at.timestamp(), last_hours=last_hours)
    tv = request.GET.get("tv") == "1"
    context = {
        "figures": figures.model_dump(mode="json"),
        "window": {
            "start": window.start,
            "end": window.end,
            "time_zone": window.time_zone,
            "mode": window.mode,
            "hours": window.hours,
        },
        "window_choices": LAST_HOURS,
        "window_error": error,
        "tv": tv,
        **wallboard_forms(viewer=request.user),
    }
    if tv:
        context["steering"] = False  # a wall screen shows figures, never forms
    return render(request, "supervision/wallboard.html", context, status=400 if error else 200)


@require_POST
@login_required
def alert_ack(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        raise Http404
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        ack = alert_acknowledge(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
        )
    except RelaisError as error:
        if wants_json:
            return JsonResponse(
                {"code": error.code.value, "message": str(error.message)}, status=error.status
            )
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("supervision:wallboard"))
    by = ack.acknowledged_by.get_full_name() or ack.acknowledged_by.username
    if wants_json:
        return JsonResponse(
            {
                "kind": ack.kind,
                "key": ack.key,
                "acknowledged_by": by,
                "acknowledged_at": ack.acknowledged_at.isoformat(),
            }
        )
    messages.success(request, _("Alert acknowledged."))
    return HttpResponseRedirect(reverse("supervision:wallboard"))
