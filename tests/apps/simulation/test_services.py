"""Scenarios and runs through the services: validation, the job, comparisons, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.routing.models import Queue
from relais.apps.simulation import services
from relais.apps.simulation.jobs import execute_run
from relais.apps.simulation.models import RunStatus, Scenario, SimulationRun
from tests.apps.conftest import World
from tests.apps.simulation.conftest import tiny_scenario


def test_a_bad_scenario_is_refused_with_its_field_and_nothing_is_saved(
    world: World, queue: Queue
) -> None:
    text = tiny_scenario(world).toml.replace("rate_per_hour = 12.0", 'rate_per_hour = "many"')
    scenarios, audits = Scenario.objects.count(), AuditEntry.objects.count()

    with pytest.raises(RelaisError) as refused:
        services.scenario_create(actor=world.users["director"], name="Bad", toml=text)

    assert refused.value.code == "invalid_scenario"
    assert "queues[0].rate_per_hour" in refused.value.message
    assert (Scenario.objects.count(), AuditEntry.objects.count()) == (scenarios, audits)


def test_text_that_is_not_toml_is_refused(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        services.scenario_create(
            actor=world.users["planner"], name="x", toml='[scenario]\nname = "x"\n[sites\n'
        )

    assert refused.value.code == "invalid_toml"
    assert refused.value.message.startswith(
        "Ligne 3, colonne 7\u202f: le scénario n’est pas du TOML"
    )
    assert not Scenario.objects.exists()


def test_a_stored_scenario_may_not_read_files_of_the_server(world: World, queue: Queue) -> None:
    text = tiny_scenario(world).toml.replace(
        'handling = { law = "exponential", mean = 540 }',
        'handling = { law = "empirical", file = "/etc/passwd" }',
    )

    with pytest.raises(RelaisError) as refused:
        services.scenario_create(actor=world.users["director"], name="Files", toml=text)

    assert refused.value.code == "files_not_allowed"
    assert "queues[0].handling.file" in refused.value.message


def test_building_needs_a_live_queue(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        tiny_scenario(world)

    assert refused.value.code == "no_live_queue"


@pytest.mark.parametrize("role", ["supervisor", "quality_analyst", "partner_manager", "agent"])
def test_only_directors_planners_and_administrators_write(
    world: World, queue: Queue, role: str
) -> None:
    scenario = tiny_scenario(world)
    actor = world.users[role]

    with pytest.raises(RelaisError) as refused:
        services.run_request(actor=actor, scenario=scenario, replications=1)
    with pytest.raises(RelaisError):
        services.scenario_create(actor=actor, name="x", toml=scenario.toml)

    assert refused.value.code == "simulation_not_allowed"
    assert refused.value.status == 403
    assert not SimulationRun.objects.exists()


def test_a_run_goes_from_queued_to_done_through_its_job(
    world: World, queue: Queue, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    scenario = tiny_scenario(world)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.run_request(actor=world.users["director"], scenario=scenario, replications=2)
        assert SimulationRun.objects.get(pk=run.pk).status == RunStatus.QUEUED

    run.refresh_from_db()
    assert len(callbacks) == 1
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == 1.0
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.task_id
    total = next(view for view in run.summary["views"] if view["dimension"] == "total")
    assert total["metrics"]["offered"]["n"] == 2
    assert {view["value"] for view in run.summary["views"] if view["dimension"] == "queue"} == {
        "orders"
    }
    assert "<svg" in run.report_en
    assert "Rapport de simulation" in run.report_fr
    assert AuditEntry.objects.filter(action="simulation_run.request").count() == 1


def test_a_run_keeps_the_text_it_ran_even_when_the_scenario_changes(
    world: World, queue: Queue, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    scenario = tiny_scenario(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(actor=world.users["director"], scenario=scenario, replications=1)

    services.scenario_update(
        actor=world.users["director"],
        scenario=scenario,
        name="Renamed",
        toml=scenario.toml.replace("rate_per_hour = 12.0", "rate_per_hour = 20.0"),
    )

    run.refresh_from_db()
    assert "rate_per_hour = 12.0" in run.scenario_toml
    assert "rate_per_hour = 20.0" in Scenario.objects.get(pk=scenario.pk).toml


def test_a_comparison_pairs_both_scenarios_with_common_random_numbers(
    world: World, queue: Queue, immediate_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    director = world.users["director"]
    calm = tiny_scenario(world, name="Calm", calls_per_hour=6.0)
    busy = tiny_scenario(world, name="Busy", calls_per_hour=30.0)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_request(actor=director, scenario=calm, replications=2)
        second = services.run_request(actor=director, scenario=busy, replications=2)
    first.refresh_from_db()
    second.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        paired = services.run_compare(actor=director, first=first, second=second)

    paired.refresh_from_db()
    assert paired.status == RunStatus.DONE, paired.error
    assert (paired.scenario, paired.against) == (calm, busy)
    total = next(v for v in paired.summary["differences"] if v["dimension"] == "total")
    assert total["metrics"]["offered"]["mean"] > 0  # busier: more contacts offered
    assert paired.summary["against"]["name"] == "Busy"


def test_runs_not_done_cannot_be_compared(world: World, queue: Queue) -> None:
    scenario = tiny_scenario(world)
    run = services.run_request(actor=world.users["director"], scenario=scenario, replications=1)

    with pytest.raises(RelaisError) as refused:
        services.run_compare(actor=world.users["director"], first=run, second=run)

    assert refused.value.code == "run_not_done"


def test_a_run_that_cannot_be_simulated_ends_failed_with_its_reason(
    world: World, queue: Queue
) -> None:
    scenario = tiny_scenario(world)
    run = services.run_request(actor=world.users["director"], scenario=scenario, replications=1)
    SimulationRun.objects.filter(pk=run.pk).update(scenario_toml="[scenario]\n")

    assert execute_run(run.pk) == RunStatus.FAILED

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "scenario" in run.error
    assert execute_run(run.pk) == "skipped"  # a finished run is never run twice


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_queued_jobs(world: World, queue: Queue) -> None:
    scenario = tiny_scenario(world)
    run = services.run_request(actor=world.users["director"], scenario=scenario, replications=1)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
