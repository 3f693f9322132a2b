"""Writes of the simulator: scenarios and run requests, validated, in one transaction, audited.

A run request enqueues its job after commit (`jobs.simulate_run`); the job itself updates
the run's status, progress and results (`jobs.execute_run`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.routing.models import Queue
from relais.apps.simulation.access import require_runner
from relais.apps.simulation.errors import ErrorCode
from relais.apps.simulation.live import LiveOptions, live_scenario_toml
from relais.apps.simulation.models import RunStatus, Scenario, ScenarioSource, SimulationRun
from relais.apps.simulation.validation import check_replications, parse_toml

DEFAULT_CALLS_PER_HOUR = 30.0


def scenario_create(
    *, actor: User, name: str, toml: str, source: str = ScenarioSource.UPLOADED
) -> Scenario:
    require_runner(actor)
    parse_toml(toml, source=name)
    scenario = Scenario(name=name, toml=toml, source=source, created_by=actor)
    with transaction.atomic():
        scenario.save()
        audit_record(
            actor=actor,
            action="scenario.create",
            obj=scenario,
            changes={"name": name, "source": source},
        )
    return scenario


def scenario_update(*, actor: User, scenario: Scenario, name: str, toml: str) -> Scenario:
    require_runner(actor)
    parse_toml(toml, source=name)
    changes = {
        field: [getattr(scenario, field), value]
        for field, value in (("name", name), ("toml", toml))
        if getattr(scenario, field) != value
    }
    if not changes:
        return scenario
    with transaction.atomic():
        scenario.name, scenario.toml = name, toml
        scenario.save(update_fields=["name", "toml", "updated_at"])
        if "toml" in changes:
            changes["toml"] = ["…", f"{len(toml)} characters"]
        audit_record(actor=actor, action="scenario.update", obj=scenario, changes=changes)
    return scenario


def next_working_morning(now: dt.datetime, time_zone: str) -> dt.datetime:
    """08:00 local on the next Monday-to-Friday day after `now`."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day = now.astimezone(zone).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone)


def scenario_build_from_live(
    *,
    actor: User,
    name: str,
    calls_per_hour: float = DEFAULT_CALLS_PER_HOUR,
    hours: float = 8.0,
    replications: int = 5,
    start: dt.datetime | None = None,
) -> Scenario:
    """A scenario of today's routing configuration, sites and agents (see `live`)."""
    require_runner(actor)
    check_replications(replications)
    if not Queue.objects.filter(active=True).exists():
        raise RelaisError(ErrorCode.NO_LIVE_QUEUE)
    zone = settings.TIME_ZONE
    options = LiveOptions(
        name=name,
        start=start or next_working_morning(timezone.now(), zone),
        hours=hours,
        calls_per_hour=calls_per_hour,
        replications=replications,
        time_zone=zone,
    )
    return scenario_create(
        actor=actor, name=name, toml=live_scenario_toml(options), source=ScenarioSource.LIVE
    )


def _request(
    *,
    actor: User,
    scenario: Scenario,
    toml: str,
    replications: int,
    against: Scenario | None = None,
    against_toml: str = "",
) -> SimulationRun:
    require_runner(actor)
    check_replications(replications)
    first = parse_toml(toml, source=scenario.name)
    if against is not None:
        second = parse_toml(against_toml, source=against.name)
        if first.seed != second.seed:
            raise RelaisError(ErrorCode.SEEDS_DIFFER, first=first.seed, second=second.seed)
    run = SimulationRun(
        scenario=scenario,
        scenario_toml=toml,
        against=against,
        against_toml=against_toml,
        replications=replications,
        requested_by=actor,
    )
    with transaction.atomic():
        run.save()
        audit_record(
            actor=actor,
            action="simulation_run.request",
            obj=run,
            changes={
                "scenario": scenario.pk,
                "against": None if against is None else against.pk,
                "replications": replications,
            },
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from relais.apps.simulation.jobs import simulate_run

    result = simulate_run.enqueue(run_id)
    SimulationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def run_request(*, actor: User, scenario: Scenario, replications: int) -> SimulationRun:
    """Simulate the scenario as it is now, as a background job."""
    return _request(actor=actor, scenario=scenario, toml=scenario.toml, replications=replications)


def run_compare(*, actor: User, first: SimulationRun, second: SimulationRun) -> SimulationRun:
    """Both runs' scenarios again, paired (common random numbers): differences second − first."""
    require_runner(actor)
    if first.status != RunStatus.DONE or second.status != RunStatus.DONE:
        raise RelaisError(ErrorCode.RUN_NOT_DONE)
    return _request(
        actor=actor,
        scenario=first.scenario,
        toml=first.scenario_toml,
        replications=first.replications,
        against=second.scenario,
        against_toml=second.scenario_toml,
    )
