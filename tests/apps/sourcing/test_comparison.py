"""The sourcing comparison: lines, figures, costs from loaded costs and invoices, scope."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from relais.apps.routing.models import Queue
from relais.apps.sourcing.comparison import Comparison, comparison
from relais.apps.sourcing.measured import Period
from relais.apps.sourcing.models import ImportChannel
from relais.apps.sourcing.parsing import csv_rows
from relais.apps.sourcing.services import loaded_cost_set, reported_import
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.sourcing.making import GOOD, billed, contacts_stat, figures_file, time_stat

DAY = dt.date(2026, 11, 3)
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def month(world: World) -> dict[str, Queue]:
    """A day of November: Lille (30 EUR/h) on orders and returns, home agents (no loaded cost),
    Atlas (billed 3,000 EUR for the month) on orders, 10 abandons nobody answered; Carpathia's
    own figures reported for three days, no statement."""
    orders = orders_queue(world)
    returns = orders_queue(world, code="returns")
    contacts_stat(world.lille, orders, DAY, handled=100, talk=20_000.0, answered_within_target=90)
    contacts_stat(world.lille, returns, DAY, handled=50, talk=10_000.0, answered_within_target=50)
    time_stat(world.lille, DAY, busy=30_000.0, available=6_000.0)
    contacts_stat(world.home, orders, DAY, handled=40, talk=8_000.0, answered_within_target=30)
    time_stat(world.home, DAY, busy=8_000.0, available=2_800.0)
    contacts_stat(world.rabat, orders, DAY, handled=200, talk=40_000.0, answered_within_target=150)
    time_stat(world.rabat, DAY, busy=40_000.0, available=14_000.0)
    contacts_stat(None, orders, DAY, handled=0, talk=0.0, abandoned=10, abandoned_after_target=8)
    loaded_cost_set(
        actor=world.users["director"],
        site=world.lille,
        per_hour=Decimal("30.00"),
        valid_from=dt.date(2026, 1, 1),
    )
    billed(world.atlas, dt.date(2026, 11, 1), "3000.00")
    reported_import(
        actor=None,
        partner=world.carpathia,
        rows=((line, (line, row)) for line, row in csv_rows(figures_file(*GOOD))),
        channel=ImportChannel.COMMAND,
    )
    return {"orders": orders, "returns": returns}


def _lines(result: Comparison) -> dict[str, object]:
    return {line.key: line for line in result.lines}


def test_the_director_sees_every_kind_every_partner_and_the_reported_figures(
    world: World, month: dict[str, Queue]
) -> None:
    result = comparison(viewer=world.users["director"], period=NOVEMBER)

    lines = _lines(result)
    assert list(lines) == [
        "kind:inshore",
        "kind:offshore",
        "kind:homeshore",
        f"partner:{world.atlas.pk}",
        f"partner:{world.carpathia.pk}",
        f"reported:{world.carpathia.pk}",
        "total",
    ]
    inshore = lines["kind:inshore"]
    assert inshore.figures.handled == 150  # type: ignore[attr-defined]
    assert inshore.cost == Decimal("300.00")  # type: ignore[attr-defined]  # 10 h x 30
    assert inshore.cost_per_handled == Decimal(2)  # type: ignore[attr-defined]
    assert inshore.figures.occupancy == 30_000 / 36_000  # type: ignore[attr-defined]
    assert inshore.figures.abandonment.value is None  # type: ignore[attr-defined]
    atlas = lines[f"partner:{world.atlas.pk}"]
    assert atlas.cost == Decimal("3000.00")  # type: ignore[attr-defined]
    assert atlas.cost_per_handled == Decimal(15)  # type: ignore[attr-defined]
    assert lines["kind:offshore"].cost == Decimal("3000.00")  # type: ignore[attr-defined]
    home = lines["kind:homeshore"]
    assert home.cost is None  # type: ignore[attr-defined]
    assert "Domicile" in home.notes[0]  # type: ignore[attr-defined]
    reported = lines[f"reported:{world.carpathia.pk}"]
    assert reported.source == "reported"  # type: ignore[attr-defined]
    assert reported.figures.handled == 285  # type: ignore[attr-defined]
    assert reported.figures.abandonment.value == 15 / 300  # type: ignore[attr-defined]
    assert reported.cost is None  # type: ignore[attr-defined]
    assert "Carpathia CX" in reported.notes[0]  # type: ignore[attr-defined]
    total = lines["total"]
    assert total.figures.abandoned == 10  # type: ignore[attr-defined]
    assert total.figures.abandonment.value == 10 / 400  # type: ignore[attr-defined]
    assert total.figures.service_level.value == 320 / 398  # type: ignore[attr-defined]


def test_on_some_queues_a_site_is_charged_its_share_of_handling_time(
    world: World, month: dict[str, Queue]
) -> None:
    period = Period(NOVEMBER.start, NOVEMBER.end, (month["orders"].pk,))

    lines = _lines(comparison(viewer=world.users["director"], period=period))

    inshore = lines["kind:inshore"]
    assert inshore.figures.handled == 100  # type: ignore[attr-defined]
    assert inshore.cost == Decimal("200.00")  # type: ignore[attr-defined]  # 20,000 of 30,000 s
    assert lines[f"partner:{world.atlas.pk}"].cost == Decimal("3000.00")  # type: ignore[attr-defined]


def test_a_partner_manager_sees_only_its_own_line(world: World, month: dict[str, Queue]) -> None:
    result = comparison(viewer=world.users["partner_manager"], period=NOVEMBER)

    assert [line.key for line in result.lines] == [f"partner:{world.atlas.pk}"]
    page = logged_in(world.users["partner_manager"]).get(
        reverse("sourcing:compare") + "?start=2026-11-01&end=2026-11-30"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Atlas Contact" in html
    for hidden in ("Carpathia CX", "Lille", "Domicile", "Ensemble (mesuré)"):
        assert hidden not in html


def test_the_page_draws_charts_and_marks_reported_figures(
    world: World, month: dict[str, Queue]
) -> None:
    client = logged_in(world.users["director"])

    page = client.get(reverse("sourcing:compare") + "?start=2026-11-01&end=2026-11-30")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="quality-chart"' in html
    assert 'data-testid="cost-chart"' in html
    assert html.count('data-testid="reported-badge"') == 1
    chart = json.loads(
        html.split('id="sourcing-quality" type="application/json">')[1].split("<")[0]
    )
    assert "Carpathia CX (déclaré)" in chart["categories"]  # in French, as the director reads
    assert chart["series"][1]["type"] == "interval"
    assert "3\u202f000,00\u00a0EUR" in html


def test_a_wrong_period_is_refused_with_a_message(world: World) -> None:
    client = logged_in(world.users["director"])

    page = client.get(reverse("sourcing:compare") + "?start=2026-11-30&end=2026-11-01")

    assert page.status_code == 400
    assert 'data-testid="error-end"' in page.content.decode()
