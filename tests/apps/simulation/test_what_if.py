"""The what-if editor: each change of the form lands in the scenario's TOML as the simulator
reads it; bad input is refused with a clear message and saves nothing."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
from django.utils import translation

from relais.apps.errors import RelaisError
from relais.apps.simulation.forms import WhatIfForm
from relais.apps.simulation.models import Scenario
from relais.apps.simulation.validation import parse_toml
from relais.apps.simulation.whatif import (
    OpeningHours,
    Outage,
    ShareMove,
    WhatIf,
    apply_what_if,
    parts_of,
)
from relais.core.simulation import LinkDown
from tests.apps.conftest import World, logged_in

BASE = """\
[scenario]
name = "base"
start = 2026-03-03T08:00:00+01:00
hours = 4
interval_minutes = 30
time_zone = "Europe/Paris"
seed = 1
replications = 2

[[sites]]
id = "lille"
kind = "inshore"

[[sites]]
id = "rabat"
kind = "offshore"
partner = "atlas"

[[queues]]
id = "orders"  # the order line
channel = "voice"
skills = { orders = 1 }
handling = { law = "exponential", mean = 240 }
rate_per_hour = 60

[[agents]]
group = "lille"
site = "lille"
count = 10
skills = { orders = 2 }

[[agents]]
group = "rabat"
site = "rabat"
count = 6
per_interval = [4, 6]
skills = { orders = 2 }
"""


def test_parts_list_queues_sites_and_partners() -> None:
    parts = parts_of(BASE)
    assert (parts.queues, parts.sites, parts.partners) == (
        ["orders"],
        ["lille", "rabat"],
        ["atlas"],
    )


def test_every_change_is_written_in_the_toml_and_the_simulator_reads_it() -> None:
    changes = WhatIf(
        volume_pct={"orders": 20},
        staffing_pct={"lille": -30, "rabat": 50},
        move=ShareMove("orders", "atlas", 25),
        outage=Outage("lille", dt.time(9, 0), dt.time(10, 30)),
        hours=OpeningHours("orders", "mon-sat", dt.time(8), dt.time(20)),
    )

    text = apply_what_if(BASE, changes)
    data = tomllib.loads(text)

    assert "# the order line" in text  # the planner's comments stay
    agents = {group["group"]: group for group in data["agents"]}
    assert agents["lille"]["count"] == 7
    assert agents["rabat"]["count"] == 9
    assert agents["rabat"]["per_interval"] == [6, 9]
    queues = {queue["id"]: queue for queue in data["queues"]}
    assert queues["orders"]["hours"] == ["mon-sat 08:00-20:00"]
    assert queues["orders-atlas"]["steps"] == [{"after_s": 0, "partners": ["atlas"]}]
    assert queues["orders-atlas"]["rate_per_hour"] == 0
    assert data["events"] == [
        {"kind": "volume_shock", "factor": 1.2, "queues": ["orders"]},
        {
            "kind": "channel_shift",
            "from_queue": "orders",
            "to_queue": "orders-atlas",
            "fraction": 0.25,
        },
        {
            "kind": "link_down",
            "site": "lille",
            "at": "09:00",
            "minutes": 90,
            "in_progress": "requeue",
        },
    ]
    scenario = parse_toml(text)
    [outage] = [event for event in scenario.events if isinstance(event, LinkDown)]
    assert outage.site_id == "lille"
    assert outage.minutes == 90
    assert (
        outage.at
        == dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))).timestamp()
    )


def test_no_change_leaves_the_scenario_as_it_was() -> None:
    assert apply_what_if(BASE, WhatIf(volume_pct={"orders": 0})) == BASE


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (WhatIf(outage=Outage("paris", dt.time(9), dt.time(10))), "no site “paris”"),
        (WhatIf(outage=Outage("lille", dt.time(10), dt.time(9))), "end after it starts"),
        (WhatIf(volume_pct={"orders": -100}), "leaves no contact"),
        (WhatIf(move=ShareMove("orders", "nobody", 10)), "no partner “nobody”"),
        (WhatIf(hours=OpeningHours("chat", "mon-fri", dt.time(8), dt.time(9))), "no queue “chat”"),
    ],
)
def test_impossible_changes_are_refused_by_name(changes: WhatIf, words: str) -> None:
    with translation.override("en"), pytest.raises(RelaisError) as refused:
        apply_what_if(BASE, changes)
    assert refused.value.code == "invalid_what_if"
    assert words in refused.value.message


def form(data: dict[str, Any]) -> WhatIfForm:
    return WhatIfForm({"name": "what if", **data}, parts=parts_of(BASE))


def test_the_form_maps_its_fields_to_the_changes() -> None:
    filled = form(
        {
            "volume_0": "15",
            "staffing_1": "-10",
            "outage_site": "rabat",
            "outage_from": "09:30",
            "outage_until": "11:00",
        }
    )
    assert filled.is_valid(), filled.errors
    changes = filled.what_if()
    assert changes.volume_pct == {"orders": 15.0}
    assert changes.staffing_pct == {"lille": 0.0, "rabat": -10.0}
    assert changes.outage == Outage("rabat", dt.time(9, 30), dt.time(11))
    assert changes.move is None
    assert changes.hours is None


def test_the_form_explains_incomplete_or_wrong_changes_in_french() -> None:
    with translation.override("fr"):
        filled = form(
            {
                "outage_site": "lille",
                "outage_from": "11:00",
                "outage_until": "10:00",
                "move_queue": "orders",
                "hours_queue": "orders",
                "hours_opens": "9h",
                "hours_closes": "08:00",
                "volume_0": "-100",
            }
        )
        assert not filled.is_valid()
        errors = {name: " ".join(messages) for name, messages in filled.errors.items()}
    assert errors["outage_until"] == "La panne doit finir après avoir commencé."
    assert "indiquez la file, le partenaire et la part" in errors["move_partner"]
    assert "move_percent" in errors
    assert "hours_opens" in errors  # not a time
    assert "volume_0" in errors  # -100 % leaves nothing


def test_the_page_creates_a_what_if_scenario_and_keeps_the_base(world: World) -> None:
    base = Scenario.objects.create(name="Base", toml=BASE, created_by=world.users["planner"])
    client = logged_in(world.users["planner"])

    response = client.post(
        f"/simulation/scenarios/{base.pk}/what-if/",
        {
            "name": "Lille down",
            "outage_site": "lille",
            "outage_from": "09:00",
            "outage_until": "10:00",
            "hours_days": "mon-fri",
        },
    )

    created = Scenario.objects.get(name="Lille down")
    assert response.status_code == 302
    assert response["Location"] == f"/simulation/scenarios/{created.pk}/"
    assert 'kind = "link_down"' in created.toml
    base.refresh_from_db()
    assert base.toml == BASE
    page = client.get(response["Location"]).content.decode()
    assert "link_down" in page  # the advanced view shows the TOML written by the form


def test_a_bad_what_if_on_the_page_saves_nothing(world: World) -> None:
    base = Scenario.objects.create(name="Base", toml=BASE, created_by=world.users["planner"])
    client = logged_in(world.users["planner"])

    response = client.post(
        f"/simulation/scenarios/{base.pk}/what-if/",
        {"name": "Broken", "outage_site": "lille", "outage_from": "10:00", "outage_until": "09:00"},
    )

    assert response.status_code == 400
    assert "La panne doit finir après avoir commencé." in response.content.decode()
    assert Scenario.objects.count() == 1


def test_a_quality_analyst_may_not_create_what_ifs(world: World) -> None:
    base = Scenario.objects.create(name="Base", toml=BASE, created_by=world.users["planner"])
    client = logged_in(world.users["quality_analyst"])

    response = client.post(f"/simulation/scenarios/{base.pk}/what-if/", {"name": "x"})

    assert response.status_code == 403
    assert Scenario.objects.count() == 1
