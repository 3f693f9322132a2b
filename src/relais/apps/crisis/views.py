"""The crisis screen: the prepared modes, and the audited switch with its reason."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.crisis import selectors, services
from relais.apps.crisis.access import may_see_state, may_switch
from relais.apps.crisis.errors import ErrorCode
from relais.apps.crisis.models import CrisisMode
from relais.apps.errors import RelaisError


def _page(request: HttpRequest, error: RelaisError | None = None) -> HttpResponse:
    context = {
        "modes": list(selectors.crisis_modes(viewer=request.user)),
        "mode_on": selectors.crisis_mode_on(),
        "may_switch": may_switch(request.user),
        "error": error,
    }
    return render(request, "crisis/index.html", context, status=error.status if error else 200)


@login_required
@require_GET
def crisis_index(request: HttpRequest) -> HttpResponse:
    if not may_see_state(request.user):
        refused = RelaisError(AccountsErrorCode.PERMISSION_DENIED)
        return render(request, "crisis/refused.html", {"error": refused}, status=refused.status)
    return _page(request)


@login_required
@require_POST
def crisis_switch(request: HttpRequest, mode_id: int) -> HttpResponse:
    if not may_switch(request.user):
        refused = RelaisError(ErrorCode.SWITCHING_NOT_ALLOWED)
        return render(request, "crisis/refused.html", {"error": refused}, status=refused.status)
    mode = get_object_or_404(CrisisMode, pk=mode_id)
    switch = (
        services.crisis_mode_switch_on
        if request.POST.get("state") == "on"
        else services.crisis_mode_switch_off
    )
    try:
        switch(actor=request.user, mode=mode, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except RelaisError as error:
        return _page(request, error)
    return redirect("crisis:index")
