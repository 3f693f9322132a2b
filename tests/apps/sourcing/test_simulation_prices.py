"""The simulator's prices from the live data: a partner's contract version valid on the
scenario's date, an internal site's loaded cost, the scenario file's own price first (issue 21,
"Sourcing comparison")."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from relais.apps.contracts.models import Contract, ContractVersion
from relais.apps.simulation import services
from relais.apps.simulation.models import RunStatus, SimulationRun
from relais.apps.simulation.prices import parse_priced, scenario_priced
from relais.apps.simulation.validation import parse_toml
from relais.apps.simulation.whatif import ShareMove, WhatIf, apply_what_if
from relais.apps.sourcing.models import LoadedCost
from relais.core.simulation import PriceOrigin, ReplayArrival, simulate
from relais.simulate_cli import main as simulate_cli
from tests.apps.conftest import World, logged_in
from tests.apps.contracts.fixtures import TERMS, atlas_contract
from tests.apps.simulation.conftest import immediate_jobs, tiny_scenario

__all__ = ["immediate_jobs"]  # the fixture, for this module

TOTAL = ("total", "", None)
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC).timestamp() - 3600  # 08:00 in Paris

#: Two hours, no traffic: each agent is logged in 2 h (the hours are exact).
IDLE = """\
[scenario]
name = "idle"
start = {start}
hours = 2
time_zone = "Europe/Paris"
seed = 1
replications = 1
drain_hours = 0

[[sites]]
id = "{site}"
kind = "offshore"
{partner}

[[queues]]
id = "orders"
channel = "voice"
skills = {{ orders = 2 }}
rate_per_hour = 0

[[agents]]
group = "g"
site = "{site}"
count = 3
skills = {{ orders = 3 }}
{price}
"""

#: Ten calls of exactly 60 s, two minutes apart, one agent: every call is handled.
TEN_CALLS = """\
[scenario]
name = "ten calls"
start = 2026-03-02T08:00:00+01:00
hours = 1
time_zone = "Europe/Paris"
seed = 1
replications = 1

[[sites]]
id = "bucarest"
kind = "nearshore"
partner = "carpathia"

[[queues]]
id = "orders"
channel = "voice"
skills = { orders = 2 }
handling = { law = "fixed", value = 60 }
rate_per_hour = 0

[[agents]]
group = "carpathia"
site = "bucarest"
count = 4
skills = { orders = 3 }
"""


def idle(site: str = "rabat", *, start: str = "2026-03-02T08:00:00+01:00", price: str = "") -> str:
    partner = {"rabat": 'partner = "atlas"', "bucarest": 'partner = "carpathia"'}.get(site, "")
    return IDLE.format(start=start, site=site, partner=partner, price=price)


def per_contact_terms() -> dict[str, Any]:
    terms = copy.deepcopy(TERMS)
    activity = terms["activities"][0]
    del activity["hourly"]
    del activity["per_resolved"]
    activity["per_handled"] = {"tiers": [{"up_to": 50000, "price": "1.50"}, {"price": "1.20"}]}
    return terms


def carpathia_contract(world: World) -> Contract:
    contract = Contract.objects.create(
        partner=world.carpathia, reference="CARP-2026", starts_on=dt.date(2026, 1, 1)
    )
    ContractVersion.objects.create(
        contract=contract,
        number=1,
        valid_from=dt.date(2026, 1, 1),
        terms=per_contact_terms(),
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    return contract


def test_a_contract_priced_per_hour_costs_the_hours_times_its_price(world: World) -> None:
    atlas_contract(
        world, {**TERMS, "activities": [{**TERMS["activities"][0], "per_handled": None}]}
    )

    scenario = parse_priced(idle("rabat"))
    result = simulate(scenario)

    price = scenario.agents[0].price
    assert price is not None
    assert (price.per_hour, price.origin, price.reference) == (
        20.0,
        PriceOrigin.CONTRACT,
        "ATLAS-2026 v1",
    )
    assert result.values(("group", "g", None), "cost") == [120.0]  # 3 agents x 2 h x 20
    assert result.values(("partner", "atlas", None), "cost") == [120.0]


def test_a_contract_priced_per_handled_contact_costs_the_contacts_at_its_first_band(
    world: World,
) -> None:
    carpathia_contract(world)

    arrivals = tuple(ReplayArrival(at=START + 120 * n, queue="orders") for n in range(10))
    scenario = scenario_priced(replace(parse_toml(TEN_CALLS), replay=arrivals))
    result = simulate(scenario)

    price = scenario.agents[0].price
    assert price is not None
    assert (price.per_hour, price.per_handled) == (None, 1.5)
    assert result.values(TOTAL, "handled") == [10.0]
    assert result.values(TOTAL, "cost") == [15.0]  # 10 contacts x 1.50
    assert result.values(TOTAL, "cost_per_handled") == [1.5]


def test_the_version_valid_on_the_scenarios_first_day_prices_it(world: World) -> None:
    contract = atlas_contract(world)
    raised = copy.deepcopy(TERMS)
    raised["activities"][0]["hourly"] = {"price": "25.00"}
    ContractVersion.objects.create(
        contract=contract,
        number=2,
        valid_from=dt.date(2026, 3, 1),
        terms=raised,
        created_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC),
    )

    before = parse_priced(idle(start="2026-02-28T23:30:00+01:00")).agents[0].price
    after = parse_priced(idle(start="2026-03-01T00:30:00+01:00")).agents[0].price

    assert before is not None
    assert after is not None
    assert (before.per_hour, before.reference) == (20.0, "ATLAS-2026 v1")
    assert (after.per_hour, after.reference) == (25.0, "ATLAS-2026 v2")


def test_an_internal_site_costs_its_loaded_cost_and_the_file_wins(world: World) -> None:
    atlas_contract(world)
    LoadedCost.objects.create(
        site=world.lille, per_hour=Decimal("31.50"), valid_from=dt.date(2026, 1, 1)
    )

    lille = parse_priced(idle("lille"))
    written = parse_priced(idle("rabat", price="price = { per_hour = 9.0 }"))
    unknown = parse_priced(idle("elsewhere"))

    price = lille.agents[0].price
    assert price is not None
    assert (price.per_hour, price.origin, price.reference) == (
        31.5,
        PriceOrigin.LOADED_COST,
        "2026-01-01",
    )
    assert simulate(lille).values(TOTAL, "cost") == [3 * 2 * 31.5]
    assert written.agents[0].price is not None
    assert (written.agents[0].price.per_hour, written.agents[0].price.origin) == (
        9.0,
        PriceOrigin.SCENARIO,
    )
    assert unknown.agents[0].price is None


@pytest.mark.usefixtures("immediate_jobs")
def test_moving_a_share_to_a_per_contact_partner_raises_its_cost(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    contract = atlas_contract(world)
    ContractVersion.objects.filter(contract=contract).update(terms=per_contact_terms())
    LoadedCost.objects.create(
        site=world.lille, per_hour=Decimal("30.00"), valid_from=dt.date(2026, 1, 1)
    )
    base = tiny_scenario(world, calls_per_hour=60.0)
    director = world.users["director"]
    moved = services.scenario_create(
        actor=director,
        name="half of orders to Atlas",
        toml=apply_what_if(
            base.toml, WhatIf(move=ShareMove(queue="orders", partner="atlas-contact", percent=50))
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_request(actor=director, scenario=base, replications=2)
        second = services.run_request(actor=director, scenario=moved, replications=2)
    with django_capture_on_commit_callbacks(execute=True):
        both = services.run_compare(
            actor=director,
            first=SimulationRun.objects.get(pk=first.pk),
            second=SimulationRun.objects.get(pk=second.pk),
        )

    both.refresh_from_db()
    assert both.status == RunStatus.DONE, both.error
    differences = {(v["dimension"], v["value"]): v["metrics"] for v in both.summary["differences"]}
    atlas = differences[("partner", "atlas-contact")]["cost"]
    assert atlas["mean"] > 0  # more contacts at 1.50 each
    assert differences[("total", "")]["cost"]["mean"] > 0  # internal hours are paid anyway
    sources = {(p["site"], p["origin"], p["reference"]) for p in both.summary["prices"]}
    assert ("rabat", "contract", "ATLAS-2026 v1") in sources
    assert ("lille", "loaded_cost", "2026-01-01") in sources
    client = logged_in(director)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("simulation:run", args=[both.pk])).content.decode()
    assert "Prix et leur provenance" in page
    assert "contrat ATLAS-2026 v1" in page
    assert "coût chargé depuis le 2026-01-01" in page
    assert "Partenaire atlas-contact" in page  # its cost, A, B and B − A


def test_the_command_line_prices_a_file_from_the_database_and_says_from_where(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    atlas_contract(world)
    scenario = tmp_path / "idle.toml"
    scenario.write_text(idle("rabat"), "utf-8")

    status = simulate_cli([str(scenario), "--live-prices"], pricing=scenario_priced)
    without = simulate_cli([str(scenario), "--live-prices"])

    printed = capsys.readouterr()
    assert status == 0
    assert "Source g: contract ATLAS-2026 v1" in printed.out
    assert "Cost atlas: 120" in printed.out
    assert "Cost g: 120" in printed.out
    assert "Cost                         120" in printed.out  # 3 agents x 2 h x 20
    assert without == 2
    assert "--live-prices needs the `relais simulate` command" in printed.err
