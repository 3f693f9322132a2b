"""Importing a partner's reported figures: by the upload page, the API and the command line;
broken files; scope; audit."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from relais.apps.audit.models import AuditEntry
from relais.apps.sourcing.models import ReportedDay, ReportedImport
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.sourcing.making import GOOD, HEADER, figures_file


def _upload(client, world: World, content: bytes, tolerance: str = "0.1"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("sourcing:reported"),
        {
            "partner": world.atlas.pk,
            "tolerance": tolerance,
            "file": SimpleUploadedFile("atlas-novembre.csv", content, "text/csv"),
        },
    )


def test_the_partner_manager_uploads_its_figures_marked_as_reported(world: World) -> None:
    orders_queue(world)
    client = logged_in(world.users["partner_manager"])

    response = _upload(client, world, figures_file(*GOOD))

    assert response.status_code == 302
    days = ReportedDay.objects.order_by("day")
    assert [day.day for day in days] == [dt.date(2026, 11, d) for d in (2, 3, 4)]
    first = days[0]
    assert (first.partner, first.offered, first.handled, first.abandoned) == (
        world.atlas,
        120,
        110,
        10,
    )
    assert first.service_level == Decimal("82.50")
    batch = ReportedImport.objects.get()
    assert (batch.lines, batch.stored, batch.skipped, batch.channel) == (3, 3, 0, "page")
    assert batch.imported_by == world.users["partner_manager"]
    entry = AuditEntry.objects.get(action="sourcing.reported_import")
    assert entry.changes["stored"] == 3
    assert entry.changes["partner"] == "Atlas Contact"
    page = client.get(reverse("sourcing:reported")).content.decode()
    assert "atlas-novembre.csv" in page


def test_a_broken_line_above_the_tolerance_refuses_the_whole_file_naming_it(world: World) -> None:
    orders_queue(world)
    client = logged_in(world.users["director"])
    broken = figures_file(GOOD[0], "2026-11-03;orders;100;quatre-vingt;5;90;12;250;9;30;27")

    response = _upload(client, world, broken)

    assert response.status_code == 400
    page = response.content.decode()
    assert "ligne 3" in page  # French, the director's language
    assert "handled" in page
    assert ReportedDay.objects.count() == 0
    assert ReportedImport.objects.count() == 0
    assert not AuditEntry.objects.filter(action="sourcing.reported_import").exists()


def test_below_the_tolerance_broken_lines_are_skipped_and_named(world: World) -> None:
    orders_queue(world)
    client = logged_in(world.users["director"])
    content = figures_file(
        *GOOD,
        "2026-11-05;returns;50;50;0;;;;;;",  # no such queue
        "2026-11-02;orders;1;1;0;;;;;;",  # day and queue already on line 2
        "31/11/2026;orders;1;1;0;;;;;;",  # no such day
    )

    response = _upload(client, world, content, tolerance="50")

    assert response.status_code == 302
    batch = ReportedImport.objects.get()
    assert (batch.lines, batch.stored, batch.skipped) == (6, 3, 3)
    assert [bad["line"] for bad in batch.malformed] == [5, 6, 7]
    assert "returns" in batch.malformed[0]["reason"]
    assert "ligne 2" in batch.malformed[1]["reason"]
    assert ReportedDay.objects.get(day=dt.date(2026, 11, 2)).offered == 120


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"day;queue;offered\n2026-11-02;orders;1\n", "date"),
        ("date;queue;offered;handled;abandoned\n".encode("utf-16"), "UTF-8"),
        (HEADER.encode() + b"\n", "ligne"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(
    world: World, content: bytes, expected: str
) -> None:
    orders_queue(world)
    client = logged_in(world.users["director"])

    response = _upload(client, world, content)

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert ReportedDay.objects.count() == 0


def test_importing_a_day_again_replaces_its_figures(world: World) -> None:
    orders_queue(world)
    client = logged_in(world.users["partner_manager"])
    _upload(client, world, figures_file(*GOOD))

    _upload(client, world, figures_file("2026-11-02;orders;130;120;10;80;20;240;12;40;30"))

    assert ReportedDay.objects.count() == 3
    assert ReportedDay.objects.get(day=dt.date(2026, 11, 2)).offered == 130
    audited = AuditEntry.objects.filter(action="sourcing.reported_import").order_by("id")
    assert [entry.changes["replaced"] for entry in audited] == [0, 1]


def test_the_api_imports_rows_and_lists_them_in_scope(world: World) -> None:
    orders_queue(world)
    manager = logged_in(world.users["partner_manager"])
    rows = [
        {"date": "2026-11-02", "queue": "orders", "offered": 120, "handled": 110, "abandoned": 10},
        {"date": "2026-11-03", "queue": "orders", "offered": 100, "handled": "x", "abandoned": 5},
    ]

    refused = manager.post(
        "/api/v1/sourcing/reported-days", json.dumps({"rows": rows}), "application/json"
    )
    accepted = manager.post(
        "/api/v1/sourcing/reported-days",
        json.dumps({"rows": rows, "tolerance": 0.5, "source": "atlas-acd"}),
        "application/json",
    )
    other = manager.post(
        "/api/v1/sourcing/reported-days",
        json.dumps({"rows": rows, "partner_id": world.carpathia.pk, "tolerance": 0.5}),
        "application/json",
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "malformed_import"
    assert "2" in refused.json()["message"]
    assert accepted.status_code == 201
    assert accepted.json()["stored"] == 1
    assert accepted.json()["malformed"][0]["line"] == 2
    assert other.status_code == 404
    listed = manager.get("/api/v1/sourcing/reported-days").json()
    assert [item["queue"] for item in listed["items"]] == ["orders"]
    director = logged_in(world.users["director"])
    assert director.get("/api/v1/sourcing/reported-days").json()["count"] == 1
    no_partner = director.post(
        "/api/v1/sourcing/reported-days", json.dumps({"rows": rows}), "application/json"
    )
    assert no_partner.json()["code"] == "partner_required"


def test_the_command_line_imports_a_file_and_reports_skipped_lines(
    world: World, tmp_path: object
) -> None:
    orders_queue(world)
    path = tmp_path / "carpathia.csv"  # type: ignore[operator]
    path.write_bytes(figures_file(*GOOD, "2026-11-05;orders;1;2;0;;;;;;"))
    out = StringIO()

    call_command("import_reported", str(path), partner="Carpathia CX", tolerance=0.5, stdout=out)

    assert "3 days stored" in out.getvalue()
    assert "line 5" in out.getvalue()
    assert ReportedDay.objects.filter(partner=world.carpathia).count() == 3
    entry = AuditEntry.objects.get(action="sourcing.reported_import")
    assert entry.actor_id is None
    with pytest.raises(CommandError):
        call_command("import_reported", str(path), partner="Carpathia CX", stdout=out)
    with pytest.raises(CommandError):
        call_command("import_reported", str(path), partner="Nobody", stdout=out)
