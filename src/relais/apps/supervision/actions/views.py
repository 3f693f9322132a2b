"""The wallboard's action forms: each posts to a service, then back to the wallboard
(the page itself is `supervision.views.wallboard`)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.apps.errors import RelaisError
from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.actions import selectors, services


def _checked(request: HttpRequest) -> None:
    if not may_supervise(request.user):
        raise Http404


def _target[T](lookup: Callable[[], T]) -> T:
    """The action's target, through the viewer's scope: outside it (or missing), 404."""
    try:
        return lookup()
    except RelaisError as error:
        if error.status == 404:
            raise Http404 from error
        raise


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
    step = _target(lambda: selectors.step_get(viewer=request.user, step_id=step_id))
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
    queue = _target(lambda: selectors.queue_get(viewer=request.user, queue_id=queue_id))
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
    agent = _target(lambda: selectors.supervised_agent_get(viewer=request.user, agent_id=agent_id))
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
