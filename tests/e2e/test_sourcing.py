"""In the browser: the director opens the sourcing comparison from the navigation, reads every
line with its charts and the reported figures marked, and a broken figures file is refused with
its line named; Atlas's manager reads only Atlas's line, in English. Both pass axe-core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.apps.sourcing.models import ImportChannel
from relais.apps.sourcing.parsing import csv_rows
from relais.apps.sourcing.services import loaded_cost_set, reported_import
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.sourcing.making import billed, contacts_stat, figures_file, time_stat
from tests.e2e.axe import assert_accessible
from tests.e2e.navigation import go_to
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_director_compares_and_atlas_manager_sees_only_atlas(
    world: World, new_page: Any, live_server: Any, tmp_path: Path
) -> None:
    # given yesterday's figures of Lille (costed), Atlas (billed) and Carpathia's reported ones
    orders = orders_queue(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    contacts_stat(world.lille, orders, yesterday, handled=100, talk=20_000.0)
    time_stat(world.lille, yesterday, busy=20_000.0, available=7_000.0)
    contacts_stat(world.rabat, orders, yesterday, handled=120, talk=30_000.0)
    loaded_cost_set(
        actor=None, site=world.lille, per_hour=Decimal("30"), valid_from=dt.date(2026, 1, 1)
    )
    billed(world.atlas, yesterday.replace(day=1), "1800.00")
    reported = figures_file(f"{yesterday.isoformat()};orders;120;110;10;82,5;18;240;11;40;34")
    reported_import(
        actor=None,
        partner=world.carpathia,
        rows=((line, (line, row)) for line, row in csv_rows(reported)),
        channel=ImportChannel.COMMAND,
    )

    # when the director opens the comparison from the navigation
    director = new_page("fr")
    sign_in(director, live_server.url, world.users["director"])
    go_to(director, "Sourcing")

    # then every line is there, the reported one marked, and both charts are drawn
    lines = director.locator("[data-testid=sourcing-line]")
    expect(lines).to_have_count(7)
    expect(director.locator("[data-testid=reported-badge]")).to_have_count(1)
    expect(director.locator("[data-testid=quality-chart] canvas")).to_have_count(1)
    expect(director.locator("[data-testid=cost-chart] canvas")).to_have_count(1)
    expect(lines.nth(0)).to_contain_text("Interne")
    assert_accessible(director)

    # and a broken figures file is refused, its line named
    broken = tmp_path / "carpathia.csv"
    broken.write_bytes(figures_file("2026-11-03;orders;100;beaucoup;5;90;12;250;9;30;27"))
    director.click("[data-testid=reported-link]")
    director.select_option("#id_partner", label="Carpathia CX")
    director.set_input_files("#id_file", str(broken))
    director.click("[data-testid=reported-form] button[type=submit]")
    expect(director.locator("[data-testid=error-file]")).to_contain_text("ligne 2")
    assert_accessible(director)

    # and Atlas's manager sees Atlas's line only, in English
    manager = new_page("en")
    sign_in(manager, live_server.url, world.users["partner_manager"])
    manager.goto(f"{live_server.url}/sourcing/")
    expect(manager.locator("[data-testid=sourcing-line]")).to_have_count(1)
    expect(manager.locator("[data-testid=sourcing-line]")).to_contain_text("Atlas Contact")
    assert "Carpathia" not in manager.inner_text("body")
    assert_accessible(manager)
