"""REST API v1 of the simulator: scenarios, runs as jobs, status and summary; errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from relais.apps.routing.models import Queue
from relais.apps.simulation.models import Scenario, SimulationRun
from tests.apps.conftest import World, logged_in
from tests.apps.simulation.conftest import tiny_scenario


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_an_integration_builds_runs_and_reads_a_summary(
    world: World, queue: Queue, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(world.users["planner"])

    built = _post(
        client,
        "/api/v1/simulation/scenarios/live",
        {"name": "API", "calls_per_hour": 8, "hours": 1, "replications": 1},
    )
    scenario_id = built.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        queued = _post(
            client, f"/api/v1/simulation/scenarios/{scenario_id}/runs", {"replications": 2}
        )
    run = client.get(f"/api/v1/simulation/runs/{queued.json()['id']}").json()
    listed = client.get("/api/v1/simulation/runs").json()

    assert built.status_code == 201
    assert built.json()["source"] == "live"
    assert "[[queues]]" in built.json()["toml"]
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    assert run["status"] == "done"
    assert run["progress"] == 1.0
    assert run["summary"]["replications"] == 2
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    assert client.get("/api/v1/simulation/scenarios").json()["count"] == 1


def test_a_bad_scenario_answers_400_with_code_and_message_and_saves_nothing(
    world: World, queue: Queue
) -> None:
    text = tiny_scenario(world).toml.replace('strategy = "longest_idle"', 'strategy = "fastest"')
    client = logged_in(world.users["director"])
    client.cookies["django_language"] = "en"
    world.users["director"].language = "en"
    world.users["director"].save()

    response = _post(client, "/api/v1/simulation/scenarios", {"name": "Bad", "toml": text})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_scenario"
    assert body["message"].startswith("The scenario cannot be simulated:")
    assert "queues[0].strategy" in body["message"]
    assert Scenario.objects.count() == 1  # the valid one of tiny_scenario only


def test_replications_out_of_range_are_refused(world: World, queue: Queue) -> None:
    scenario = tiny_scenario(world)
    client = logged_in(world.users["director"])

    response = _post(
        client, f"/api/v1/simulation/scenarios/{scenario.pk}/runs", {"replications": 0}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert not SimulationRun.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The scenario is too big to simulate: scenario.hours is 1e+06, at most 744."),
        ("fr", "Le scénario est trop grand pour être simulé"),
    ],
)
def test_a_scenario_of_a_million_hours_is_refused_before_any_work(
    world: World, queue: Queue, language: str, message: str
) -> None:
    """Issue 25, finding 3: `hours = 1000000` was accepted and its run took 19 GB."""
    text = re.sub(r"(?m)^hours = .*$", "hours = 1000000", tiny_scenario(world).toml, count=1)
    client = logged_in(world.users["director"])
    client.cookies["django_language"] = language
    world.users["director"].language = language
    world.users["director"].save()

    response = _post(client, "/api/v1/simulation/scenarios", {"name": "Huge", "toml": text})

    assert response.status_code == 400
    assert response.json()["code"] == "scenario_too_big"
    assert response.json()["message"].startswith(message)
    assert Scenario.objects.count() == 1  # the valid one of tiny_scenario only
    assert not SimulationRun.objects.exists()


def test_deeply_nested_toml_is_refused_with_a_clear_error(world: World, queue: Queue) -> None:
    """Issue 25, finding 3: deeply nested TOML answered 500."""
    client = logged_in(world.users["director"])
    text = "x = " + "[" * 3000 + "]" * 3000

    response = _post(client, "/api/v1/simulation/scenarios", {"name": "Deep", "toml": text})

    assert response.status_code == 400
    assert response.json()["code"] == "scenario_too_deep"
    assert not Scenario.objects.exists()
