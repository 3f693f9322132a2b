"""Reads of scenarios and runs: everything for those who may view results, nothing otherwise.

Outside the simulator's readers, the whole-organisation roles (supervisors, partner
managers and agents have a partial scope), every scenario and run is "not found", on pages
and in the API alike (see `access`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.simulation.access import can_view
from relais.apps.simulation.models import ResplitProposal, RunStatus, Scenario, SimulationRun


def scenario_list(*, viewer: Any) -> QuerySet[Scenario]:
    if not can_view(viewer):
        return Scenario.objects.none()
    return Scenario.objects.select_related("created_by")


def scenario_get(*, viewer: Any, scenario_id: int) -> Scenario:
    try:
        return scenario_list(viewer=viewer).get(pk=scenario_id)
    except Scenario.DoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=Scenario._meta.verbose_name) from missing


def run_list(*, viewer: Any) -> QuerySet[SimulationRun]:
    if not can_view(viewer):
        return SimulationRun.objects.none()
    return SimulationRun.objects.select_related("scenario", "against", "requested_by").defer(
        "report_en", "report_fr", "scenario_toml", "against_toml"
    )


def finished_runs(*, viewer: Any) -> QuerySet[SimulationRun]:
    """Single-scenario runs that are done: what can be compared."""
    return run_list(viewer=viewer).filter(status=RunStatus.DONE, against__isnull=True)


def run_get(*, viewer: Any, run_id: int) -> SimulationRun:
    try:
        return (
            SimulationRun.objects.select_related("scenario", "against", "requested_by")
            .filter(pk__in=run_list(viewer=viewer).values("pk"))
            .get(pk=run_id)
        )
    except SimulationRun.DoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=SimulationRun._meta.verbose_name) from missing


def resplit_list(*, viewer: Any, scenario: Scenario) -> QuerySet[ResplitProposal]:
    if not can_view(viewer):
        return ResplitProposal.objects.none()
    return ResplitProposal.objects.filter(scenario=scenario)


def resplit_get(*, viewer: Any, proposal_id: int) -> ResplitProposal:
    """A re-split proposal, for those who see the simulator (else: not found)."""
    found = ResplitProposal.objects.select_related("scenario").filter(pk=proposal_id).first()
    if found is None or not can_view(viewer):
        raise RelaisError(ErrorCode.NOT_FOUND, kind=ResplitProposal._meta.verbose_name)
    return found
