"""Building a scenario from the live configuration: the core reads it and simulates it."""

from __future__ import annotations

import tomllib

from relais.apps.audit.models import AuditEntry
from relais.apps.routing.models import Queue
from relais.apps.simulation.models import ScenarioSource
from relais.apps.simulation.validation import parse_toml
from relais.core.simulation import simulate
from tests.apps.conftest import World
from tests.apps.simulation.conftest import tiny_scenario


def test_live_configuration_becomes_a_scenario_the_core_simulates(
    world: World, queue: Queue
) -> None:
    scenario = tiny_scenario(world)

    data = tomllib.loads(scenario.toml)
    result = simulate(parse_toml(scenario.toml), replications=2)

    assert scenario.source == ScenarioSource.LIVE
    assert {site["id"] for site in data["sites"]} == {"lille", "rabat", "bucarest", "domicile"}
    assert next(s for s in data["sites"] if s["id"] == "rabat")["partner"] == "atlas-contact"
    [orders] = data["queues"]
    assert orders["id"] == "orders"
    assert orders["skills"] == {"orders": 2}
    assert orders["rate_per_hour"] == 12.0
    assert orders["steps"] == [
        {"after_s": 0, "internal": True},
        {"after_s": 30, "partners": ["atlas-contact"]},
        {"after_s": 90},
    ]
    assert sum(group["count"] for group in data["agents"]) == len(world.agents)
    assert {group["site"] for group in data["agents"]} == {
        "lille",
        "rabat",
        "bucarest",
        "domicile",
    }
    assert len(result.replications) == 2
    offered = result.estimate(("total", "", None), "offered").mean
    assert offered is not None
    assert offered > 0
    assert AuditEntry.objects.filter(action="scenario.create").count() == 1


def test_inactive_agents_and_sites_are_left_out(world: World, queue: Queue) -> None:
    world.agents["lille0"].active = False
    world.agents["lille0"].save()
    world.home.active = False
    world.home.save()

    data = tomllib.loads(tiny_scenario(world).toml)

    assert "domicile" not in {site["id"] for site in data["sites"]}
    counts = {group["site"]: group["count"] for group in data["agents"]}
    assert counts == {"lille": 1, "rabat": 2, "bucarest": 2}
