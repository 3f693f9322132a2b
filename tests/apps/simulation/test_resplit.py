"""The re-split proposal: +5 % and +10 % of a queue to each partner, simulated as a
background job against the scenario as it is; bad input is refused and saves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode
from relais.apps.simulation.models import ResplitProposal, RunStatus, Scenario
from relais.apps.simulation.resplit import resplit_request
from tests.apps.conftest import World, logged_in
from tests.apps.simulation.test_what_if import BASE

TWO_PARTNERS = (
    BASE
    + """
[[sites]]
id = "bucarest"
kind = "nearshore"
partner = "carpathia"

[[agents]]
group = "bucarest"
site = "bucarest"
count = 2
skills = { orders = 2 }
"""
)


@pytest.fixture
def scenario(world: World) -> Scenario:
    return Scenario.objects.create(name="base", toml=TWO_PARTNERS, source="uploaded")


def test_every_partner_gets_two_candidates_with_their_deltas(
    world: World, scenario: Scenario, immediate_jobs: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # when: the director asks for a proposal on the orders queue (the job runs at once)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = resplit_request(
            actor=world.users["director"], scenario=scenario, queue="orders", replications=1
        )

    # then
    proposal.refresh_from_db()
    assert proposal.status == RunStatus.DONE, proposal.error
    assert {(c["partner"], c["percent"]) for c in proposal.candidates} == {
        ("atlas", 5.0),
        ("atlas", 10.0),
        ("carpathia", 5.0),
        ("carpathia", 10.0),
    }
    base = proposal.baseline["service_level"]
    for candidate in proposal.candidates:
        assert candidate["sl_points"] == pytest.approx(
            (candidate["service_level"] - base) * 100, abs=0.01
        )
    points = [c["sl_points"] for c in proposal.candidates]
    assert points == sorted(points, reverse=True)
    assert AuditEntry.objects.filter(action="resplit_proposal.request").count() == 1

    # and the page says it in words, with cost left out
    html = logged_in(world.users["director"]).get(f"/simulation/resplits/{proposal.pk}/")
    assert html.status_code == 200
    assert 'data-testid="resplit-candidate"' in html.content.decode()


def test_an_unknown_queue_or_a_partner_manager_is_refused(world: World, scenario: Scenario) -> None:
    with pytest.raises(RelaisError) as unknown:
        resplit_request(actor=world.users["planner"], scenario=scenario, queue="nope")
    assert unknown.value.code == ErrorCode.NO_PARTNER_TO_SHIFT
    with pytest.raises(RelaisError) as manager:
        resplit_request(actor=world.users["partner_manager"], scenario=scenario, queue="orders")
    assert manager.value.code == ErrorCode.SIMULATION_NOT_ALLOWED
    assert not ResplitProposal.objects.exists()
