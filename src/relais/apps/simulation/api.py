"""REST API v1 of the simulator: scenarios, runs as background jobs, their summaries.

Supervisors, partner managers and agents get 404 on every endpoint (scenarios and runs
are organisation-wide data, see `access`); quality analysts read; directors, planners and
administrators also create and run (403 for the readers).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import paginate

from relais.apps.accounts.auth import request_user
from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.pagination import Page
from relais.apps.simulation import schemas, selectors, services
from relais.apps.simulation.access import can_view

router = Router(tags=["simulation"])


def _readers_only(request: HttpRequest) -> None:
    if not can_view(request.user):
        raise RelaisError(ErrorCode.NOT_FOUND, kind=_("simulation"))


@router.get("/simulation/scenarios", response=list[schemas.ScenarioRead])
@paginate(Page)
def list_scenarios(request: HttpRequest) -> Any:
    _readers_only(request)
    return selectors.scenario_list(viewer=request.user).defer("toml")


@router.post("/simulation/scenarios", response={201: schemas.ScenarioDetail})
def create_scenario(request: HttpRequest, payload: schemas.ScenarioCreate) -> Any:
    _readers_only(request)
    scenario = services.scenario_create(
        actor=request_user(request), name=payload.name, toml=payload.toml
    )
    return Status(201, scenario)


@router.post("/simulation/scenarios/live", response={201: schemas.ScenarioDetail})
def build_scenario_from_live(request: HttpRequest, payload: schemas.LiveScenarioCreate) -> Any:
    _readers_only(request)
    scenario = services.scenario_build_from_live(
        actor=request_user(request), **payload.model_dump()
    )
    return Status(201, scenario)


@router.get("/simulation/scenarios/{scenario_id}", response=schemas.ScenarioDetail)
def read_scenario(request: HttpRequest, scenario_id: int) -> Any:
    _readers_only(request)
    return selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)


@router.post("/simulation/scenarios/{scenario_id}/runs", response={202: schemas.RunRead})
def request_run(request: HttpRequest, scenario_id: int, payload: schemas.RunCreate) -> Any:
    _readers_only(request)
    scenario = selectors.scenario_get(viewer=request.user, scenario_id=scenario_id)
    run = services.run_request(
        actor=request_user(request), scenario=scenario, replications=payload.replications
    )
    return Status(202, selectors.run_get(viewer=request.user, run_id=run.pk))


@router.post("/simulation/comparisons", response={202: schemas.RunRead})
def request_comparison(request: HttpRequest, payload: schemas.ComparisonCreate) -> Any:
    _readers_only(request)
    first = selectors.run_get(viewer=request.user, run_id=payload.first_run_id)
    second = selectors.run_get(viewer=request.user, run_id=payload.second_run_id)
    run = services.run_compare(actor=request_user(request), first=first, second=second)
    return Status(202, selectors.run_get(viewer=request.user, run_id=run.pk))


@router.get("/simulation/runs", response=list[schemas.RunRead])
@paginate(Page)
def list_runs(request: HttpRequest) -> Any:
    _readers_only(request)
    return selectors.run_list(viewer=request.user).defer("summary")


@router.get("/simulation/runs/{run_id}", response=schemas.RunDetail)
def read_run(request: HttpRequest, run_id: int) -> Any:
    _readers_only(request)
    return selectors.run_get(viewer=request.user, run_id=run_id)
