"""Pages of the simulator: scenarios, runs with live progress, reports, comparisons.

Supervisors, partner managers and agents get "not found" on every page (scenarios and runs
are organisation-wide data); quality analysts read; directors, planners and administrators
also write (see `access`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.apps.accounts.auth import request_user
from relais.apps.errors import RelaisError
from relais.apps.simulation import selectors, services
from relais.apps.simulation.access import can_run, can_view
from relais.apps.simulation.errors import ErrorCode
from relais.apps.simulation.forms import (
    CompareForm,
    LiveScenarioForm,
    RunForm,
    ScenarioForm,
    UploadScenarioForm,
    WhatIfForm,
)
from relais.apps.simulation.models import RunStatus, ScenarioSource
from relais.apps.simulation.presentation import (
    cost_rows,
    difference_rows,
    headline_rows,
    price_rows,
)
from relais.apps.simulation.resplit import resplit_request
from relais.apps.simulation.whatif import apply_what_if, parts_of

View = Callable[..., HttpResponse]
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def readers_only(view: View) -> View:
    """Signed in and allowed to see the simulator; anyone else: not found."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view(request.user):
            return _not_found(request)
        try:
            return view(request, *args, **kwargs)
        except RelaisError as error:
            if error.status == 404:
                return _not_found(request)
            raise

    return wrapped


def _refused(request: HttpRequest) -> HttpResponse:
    message = RelaisError(ErrorCode.SIMULATION_NOT_ALLOWED).message
    return render(request, "simulation/refused.html", {"message": message}, status=403)


def _index_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    viewer = request.user
    return {
        "scenarios": selectors.scenario_list(viewer=viewer),
        "runs": selectors.run_list(viewer=viewer)[:50],
        "can_run": can_run(viewer),
        "live_form": forms.get("live_form") or LiveScenarioForm(),
        "upload_form": forms.get("upload_form") or UploadScenarioForm(),
        "compare_form": forms.get("compare_form") or CompareForm(viewer=viewer),
    }


@readers_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "simulation/index.html", _index_context(request))


@readers_only
@require_POST
def build_from_live(request: HttpRequest) -> HttpResponse:
    if not can_run(request.user):
        return _refused(request)
    form = LiveScenarioForm(request.POST)
    if form.is_valid():
        try:
            scenario = services.scenario_build_from_live(
                actor=request_user(request), **form.cleaned_data
            )
        except RelaisError as error:
            form.add_error(None, error.message)
        else:
            return redirect("simulation:scenario", scenario.pk)
    context = _index_context(request, live_form=form)
    return render(request, "simulation/index.html", context, status=400)


@readers_only
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    if not can_run(request.user):
        return _refused(request)
    form = UploadScenarioForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scenario = services.scenario_create(
                actor=request_user(request),
                name=form.cleaned_data["name"],
                toml=form.cleaned_data["toml"],
                source=ScenarioSource.UPLOADED,
            )
        except RelaisError as error:
            form.add_error("file" if request.FILES.get("file") else "toml", error.message)
        else:
            return redirect("simulation:scenario", scenario.pk)
    context = _index_context(request, upload_form=form)
    return render(request, "simulation/index.html", context, status=400)


@readers_only
@require_http_methods(["GET", "POST"])
def scenario(request: HttpRequest, scenario_id: int) -> HttpResponse:
    found = selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)
    form = ScenarioForm(initial={"name": found.name, "toml": found.toml})
    status = 200
    if request.method == "POST":
        if not can_run(request.user):
            return _refused(request)
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                services.scenario_update(
                    actor=request_user(request),
                    scenario=found,
                    name=form.cleaned_data["name"],
                    toml=form.cleaned_data["toml"],
                )
            except RelaisError as error:
                form.add_error("toml", error.message)
            else:
                return redirect("simulation:scenario", found.pk)
        status = 400
    context = _scenario_context(request, found, form=form, advanced_open=status == 400)
    return render(request, "simulation/scenario.html", context, status=status)


def _what_if_form(scenario: Any, data: Any = None) -> WhatIfForm:
    initial = {"name": str(_("%(name)s — what if") % {"name": scenario.name})[:200]}
    return WhatIfForm(data, parts=parts_of(scenario.toml), initial=initial)


def _scenario_context(request: HttpRequest, found: Any, **forms: Any) -> dict[str, Any]:
    return {
        "resplit_queues": parts_of(found.toml).queues,
        "resplits": selectors.resplit_list(viewer=request.user, scenario=found)[:5],
        "resplit_error": forms.get("resplit_error"),
        "scenario": found,
        "form": forms.get("form") or ScenarioForm(initial={"name": found.name, "toml": found.toml}),
        "run_form": forms.get("run_form") or RunForm(),
        "what_if_form": forms.get("what_if_form") or _what_if_form(found),
        "advanced_open": forms.get("advanced_open", False),
        "can_run": can_run(request.user),
        "runs": selectors.run_list(viewer=request.user).filter(scenario=found)[:20],
    }


@readers_only
@require_POST
def what_if(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """A new scenario: this one with the form's changes written into its TOML."""
    found = selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)
    if not can_run(request.user):
        return _refused(request)
    form = _what_if_form(found, request.POST)
    if form.is_valid():
        try:
            created = services.scenario_create(
                actor=request_user(request),
                name=form.cleaned_data["name"],
                toml=apply_what_if(found.toml, form.what_if()),
                source=ScenarioSource.UPLOADED,
            )
        except RelaisError as error:
            form.add_error(None, error.message)
        else:
            return redirect("simulation:scenario", created.pk)
    context = _scenario_context(request, found, what_if_form=form)
    return render(request, "simulation/scenario.html", context, status=400)


@readers_only
@require_POST
def run_scenario(request: HttpRequest, scenario_id: int) -> HttpResponse:
    found = selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)
    if not can_run(request.user):
        return _refused(request)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.run_request(
                actor=request_user(request),
                scenario=found,
                replications=form.cleaned_data["replications"],
            )
        except RelaisError as error:
            form.add_error(None, error.message)
        else:
            return redirect("simulation:run", run.pk)
    context = _scenario_context(request, found, run_form=form)
    return render(request, "simulation/scenario.html", context, status=400)


@readers_only
@require_POST
def compare_runs(request: HttpRequest) -> HttpResponse:
    if not can_run(request.user):
        return _refused(request)
    form = CompareForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            run = services.run_compare(
                actor=request_user(request),
                first=form.cleaned_data["first"],
                second=form.cleaned_data["second"],
            )
        except RelaisError as error:
            form.add_error(None, error.message)
        else:
            return redirect("simulation:run", run.pk)
    context = _index_context(request, compare_form=form)
    return render(request, "simulation/index.html", context, status=400)


@readers_only
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get(viewer=request.user, run_id=run_id)
    summary = run.summary or {}
    context = {
        "run": run,
        "headline": headline_rows(summary) if summary else [],
        "differences": difference_rows(summary) if run.is_comparison and summary else [],
        "costs": cost_rows(summary) if summary and not run.is_comparison else [],
        "prices": [
            (name, rows)
            for name, rows in (
                ("A" if run.is_comparison else "", price_rows(summary)),
                ("B", price_rows(summary.get("against", {}))),
            )
            if rows
        ],
        "report": run.report(get_language() or "fr") if run.status == RunStatus.DONE else "",
        "finished": run.status in {RunStatus.DONE, RunStatus.FAILED},
    }
    return render(request, "simulation/run.html", context)


@readers_only
@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get(viewer=request.user, run_id=run_id)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "progress": run.progress,
            "percent": run.percent,
            "error": run.error,
        }
    )


@readers_only
@require_GET
@xframe_options_deny
def run_report(request: HttpRequest, run_id: int) -> HttpResponse:
    """The self-contained report on its own, under a policy that lets nothing run or load."""
    run = selectors.run_get(viewer=request.user, run_id=run_id)
    if run.status != RunStatus.DONE:
        return _not_found(request)
    response = HttpResponse(run.report(get_language() or "fr"), content_type="text/html")
    response["Content-Security-Policy"] = REPORT_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response


@readers_only
@require_POST
def resplit_create(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """Propose a re-split of a queue between the partners: a background job."""
    found = selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)
    if not can_run(request.user):
        return _refused(request)
    try:
        proposal = resplit_request(
            actor=request_user(request), scenario=found, queue=request.POST.get("queue", "")
        )
    except RelaisError as error:
        context = _scenario_context(request, found, resplit_error=error)
        return render(request, "simulation/scenario.html", context, status=error.status)
    return redirect("simulation:resplit", proposal.pk)


@readers_only
@require_GET
def resplit_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.resplit_get(viewer=request.user, proposal_id=proposal_id)
    finished = proposal.status in {RunStatus.DONE, RunStatus.FAILED}
    return render(request, "simulation/resplit.html", {"proposal": proposal, "finished": finished})
