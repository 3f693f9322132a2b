"""The wallboard page and its action forms (each posts to a service, then back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.apps.errors import RelaisError
from relais.apps.interactions.models import BreakReason
from relais.apps.organisation.selectors import partner_list, site_list, team_list
from relais.apps.supervision import selectors, services
from relais.apps.supervision.services import ACTING_ROLES


def _checked(request: HttpRequest) -> None:
    if not selectors.may_supervise(request.user):
        raise Http404


@login_required
def wallboard(request: HttpRequest) -> HttpResponse:
    _checked(request)
    viewer = request.user
    figures = selectors.live_figures(viewer=viewer)
    acting = viewer.is_superuser or getattr(viewer, "role", "") in ACTING_ROLES
    context = {
        "figures": figures.model_dump(mode="json"),
        "acting": acting,
        "queues": selectors.queue_list(viewer=viewer) if acting else [],
        "teams": team_list(viewer=viewer),
        "sites": site_list(viewer=viewer) if getattr(viewer, "role", "") != "supervisor" else [],
        "partners": partner_list(viewer=viewer)
        if getattr(viewer, "role", "") != "supervisor"
        else [],
        "break_reasons": BreakReason.choices,
    }
    return render(request, "supervision/wallboard.html", context)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("supervision:wallboard"))


def _act(request: HttpRequest, action: object) -> HttpResponseRedirect:
    try:
        action()  # type: ignore[operator]
        messages.success(request, _("Done."))
    except RelaisError as error:
        messages.error(request, error.message)
    return _back(request)


@require_POST
@login_required
def overflow(request: HttpRequest, step_id: int) -> HttpResponse:
    _checked(request)
    step = selectors.step_get(viewer=request.user, step_id=step_id)
    value = request.POST.get("open", "")
    is_open = {"open": True, "close": False}.get(value)
    return _act(
        request,
        lambda: services.overflow_override_set(
            actor=request.user,  # type: ignore[arg-type]
            step=step,
            is_open=is_open,
            reason=request.POST.get("reason", ""),
        ),
    )


@require_POST
@login_required
def priority(request: HttpRequest, queue_id: int) -> HttpResponse:
    _checked(request)
    queue = selectors.queue_get(viewer=request.user, queue_id=queue_id)
    try:
        value = int(request.POST.get("priority", ""))
    except ValueError:
        value = 1000  # refused by the service with its message
    return _act(
        request,
        lambda: services.queue_priority_set(
            actor=request.user,  # type: ignore[arg-type]
            queue=queue,
            priority=value,
            reason=request.POST.get("reason", ""),
        ),
    )


@require_POST
@login_required
def broadcast(request: HttpRequest) -> HttpResponse:
    _checked(request)
    kind, _, target = request.POST.get("target", "").partition(":")
    return _act(
        request,
        lambda: services.broadcast_send(
            actor=request.user,  # type: ignore[arg-type]
            target_kind=kind,
            target_id=int(target) if target.isdigit() else 0,
            message=request.POST.get("message", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


@require_POST
@login_required
def agent_state(request: HttpRequest, agent_id: int) -> HttpResponse:
    _checked(request)
    agent = selectors.supervised_agent_get(viewer=request.user, agent_id=agent_id)
    return _act(
        request,
        lambda: services.agent_state_change(
            actor=request.user,  # type: ignore[arg-type]
            agent=agent,
            action=request.POST.get("action", ""),
            break_reason=request.POST.get("break_reason", "other"),
            reason=request.POST.get("reason", ""),
        ),
    )
