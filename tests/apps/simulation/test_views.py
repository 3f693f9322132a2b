"""The simulation pages: build, edit, run, watch, read the report; scoped by role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.apps.routing.models import Queue
from relais.apps.simulation.models import RunStatus, Scenario, SimulationRun
from tests.apps.conftest import World, logged_in
from tests.apps.simulation.conftest import tiny_scenario

LIVE_FORM = {"name": "Aujourd'hui", "calls_per_hour": "10", "hours": "1", "replications": "2"}


def test_a_director_builds_edits_runs_and_reads_the_report(
    world: World, queue: Queue, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(world.users["director"])

    built = client.post(reverse("simulation:build"), LIVE_FORM)
    scenario = Scenario.objects.get()
    edited = client.post(
        reverse("simulation:scenario", args=[scenario.pk]),
        {"name": "Demain", "toml": scenario.toml.replace("hours = 1.0", "hours = 0.5")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        ran = client.post(
            reverse("simulation:run_scenario", args=[scenario.pk]), {"replications": "2"}
        )
    run = SimulationRun.objects.get()
    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    status = client.get(reverse("simulation:run_status", args=[run.pk])).json()
    report = client.get(reverse("simulation:run_report", args=[run.pk]))

    assert built.status_code == 302
    assert built["Location"] == reverse("simulation:scenario", args=[scenario.pk])
    assert edited.status_code == 302
    assert Scenario.objects.get().name == "Demain"
    assert "hours = 0.5" in Scenario.objects.get().toml
    assert ran["Location"] == reverse("simulation:run", args=[run.pk])
    assert status == {
        "status": "done",
        "status_label": "Terminée",
        "progress": 1.0,
        "percent": 100,
        "error": "",
    }
    assert 'data-testid="headline"' in page
    assert "srcdoc=" in page
    assert 'sandbox=""' in page
    assert report.status_code == 200
    assert "default-src 'none'" in report["Content-Security-Policy"]
    assert "sandbox" in report["Content-Security-Policy"]
    assert "Rapport de simulation" in report.content.decode()


def test_an_invalid_edit_shows_the_field_and_keeps_the_scenario(world: World, queue: Queue) -> None:
    scenario = tiny_scenario(world)
    client = logged_in(world.users["planner"])
    bad = scenario.toml.replace("count = 2", "count = -1", 1)

    response = client.post(
        reverse("simulation:scenario", args=[scenario.pk]), {"name": "x", "toml": bad}
    )

    assert response.status_code == 400
    assert "agents[0].count" in response.content.decode()
    assert Scenario.objects.get().toml == scenario.toml
    assert Scenario.objects.get().name == scenario.name


def test_an_uploaded_file_is_validated_and_nothing_bad_is_saved(world: World) -> None:
    client = logged_in(world.users["administrator"])
    upload = SimpleUploadedFile("bad.toml", b'[scenario]\nname = "x"\n', "application/toml")

    response = client.post(reverse("simulation:upload"), {"name": "Bad", "file": upload})

    assert response.status_code == 400
    assert "Le scénario ne peut pas être simulé" in response.content.decode()
    assert "scenario.start" in response.content.decode()
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('[scenario]\nname = "été"\n'.encode("latin-1"), "La ligne 2 du fichier"),
        (b"[scenario]\nname = = 1\n", "Ligne 2, colonne 8"),
        (b"", "Choisissez un fichier TOML"),
    ],
)
def test_a_broken_file_is_refused_with_its_line(world: World, content: bytes, said: str) -> None:
    client = logged_in(world.users["administrator"])
    upload = SimpleUploadedFile("bad.toml", content, "application/toml")

    response = client.post(reverse("simulation:upload"), {"name": "Bad", "file": upload})

    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_good_file_is_uploaded(world: World, queue: Queue) -> None:
    text = tiny_scenario(world).toml
    client = logged_in(world.users["director"])
    upload = SimpleUploadedFile("base.toml", text.encode(), "application/toml")

    response = client.post(reverse("simulation:upload"), {"name": "Fichier", "file": upload})

    uploaded = Scenario.objects.get(name="Fichier")
    assert response["Location"] == reverse("simulation:scenario", args=[uploaded.pk])
    assert uploaded.source == "uploaded"
    assert uploaded.toml == text


def _pages(scenario: Scenario, run: SimulationRun) -> list[str]:
    return [
        reverse("simulation:index"),
        reverse("simulation:scenario", args=[scenario.pk]),
        reverse("simulation:run", args=[run.pk]),
        reverse("simulation:run_status", args=[run.pk]),
    ]


@pytest.mark.parametrize("role", ["supervisor", "partner_manager", "agent"])
def test_roles_with_a_partial_scope_find_nothing(world: World, queue: Queue, role: str) -> None:
    """Scenarios and runs hold every site and partner: organisation-wide data (issue 15)."""
    scenario = tiny_scenario(world)
    run = SimulationRun.objects.create(scenario=scenario, scenario_toml="", replications=1)
    client = logged_in(world.users[role])

    for url in _pages(scenario, run):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("simulation:build"),
        reverse("simulation:run_scenario", args=[scenario.pk]),
        reverse("simulation:compare"),
    ):
        assert client.post(url, LIVE_FORM).status_code == 404, url
    assert "/simulation/" not in client.get(reverse("home")).content.decode()


def test_quality_analysts_read_only(world: World, queue: Queue) -> None:
    role = "quality_analyst"
    scenario = tiny_scenario(world)
    run = SimulationRun.objects.create(scenario=scenario, scenario_toml="", replications=1)
    client = logged_in(world.users[role])

    for url in _pages(scenario, run):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("simulation:scenario", args=[scenario.pk])).content.decode()
    refused = client.post(
        reverse("simulation:run_scenario", args=[scenario.pk]), {"replications": 1}
    )
    edited = client.post(
        reverse("simulation:scenario", args=[scenario.pk]), {"name": "x", "toml": scenario.toml}
    )

    assert 'data-testid="run-form"' not in page
    assert (refused.status_code, edited.status_code) == (403, 403)
    assert SimulationRun.objects.count() == 1
    assert Scenario.objects.get().name == scenario.name
    home = client.get(reverse("home"), follow=True)  # the analyst starts on the evaluations
    assert reverse("simulation:index") in home.content.decode()


def test_the_report_is_not_served_before_the_run_is_done(world: World, queue: Queue) -> None:
    scenario = tiny_scenario(world)
    run = SimulationRun.objects.create(scenario=scenario, scenario_toml="", replications=1)
    client = logged_in(world.users["director"])

    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()

    assert client.get(reverse("simulation:run_report", args=[run.pk])).status_code == 404
    assert run.status == RunStatus.QUEUED
    assert "data-run-status-url" in page
