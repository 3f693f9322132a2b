"""Fixtures of the simulator's tests: jobs run at once, scenarios stay tiny (seconds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from relais.apps.routing.models import Queue
from relais.apps.simulation import services
from relais.apps.simulation.models import Scenario
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def immediate_jobs(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def tiny_scenario(world: World, *, name: str = "Live", calls_per_hour: float = 12.0) -> Scenario:
    """One hour of the live configuration, a dozen contacts: a second to simulate."""
    return services.scenario_build_from_live(
        actor=world.users["director"],
        name=name,
        calls_per_hour=calls_per_hour,
        hours=1.0,
        replications=2,
        start=START,
    )
