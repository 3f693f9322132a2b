"""Reports exported as CSV and XLSX hold the same figures as the page."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from relais.apps.reporting.stats import intervals_recompute
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.supervision.day import DAY, NOW, play


def test_csv_and_xlsx_hold_the_day(world: World) -> None:
    play(world, orders_queue(world))
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    client = logged_in(world.users["director"])
    query = f"?start={DAY}&end={DAY}&group_by=site_kind"

    page = client.get(f"/reports/{query}")
    text = client.get(f"/reports/export.csv{query}").content.decode()
    book = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx{query}").content))

    assert page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    by_group = {row["group"]: row for row in rows}
    assert by_group["Offshore"]["answered"] == "2"
    assert float(by_group["Offshore"]["service_level"]) == 0.5
    assert (
        float(
            by_group["Interne (inshore)" if "Interne (inshore)" in by_group else "Inshore"][
                "average_handling_time"
            ]
        )
        == 330.0
    )
    assert by_group["—"]["abandoned"] == "2"
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    offshore = next(row for row in values[1:] if row[1] == "Offshore")
    assert offshore[header.index("answered")] == 2
    assert offshore[header.index("service_level")] == 0.5
    assert len(values) == len(rows) + 1
