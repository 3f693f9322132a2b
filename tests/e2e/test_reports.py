"""In the browser: the reports page in French and English (accessible, charts drawn, a date
error shown on its field) and its exports downloaded through the page and read back as a
spreadsheet program would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.reporting.stats import intervals_recompute
from tests.apps.conftest import World
from tests.apps.reporting.reading import csv_rows, xlsx_rows
from tests.apps.routing.fixtures import orders_queue
from tests.apps.supervision.day import NOW, play
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FRENCH = {
    "separator": ";",
    "site_kind": "Type de site",
    "answered": "Répondus",
    "service_level": "Niveau de service",
    "sl": "50,0 %",
    "day": "10/03/2025",
    "aht": "Durée moyenne de traitement (s)",
    "date_format": "dd/mm/yyyy",
    "typed": "10/03/2025",
    "period": "Jour",
}
ENGLISH = {
    "separator": ",",
    "site_kind": "Site kind",
    "answered": "Answered",
    "service_level": "Service level",
    "sl": "50.0%",
    "day": "2025-03-10",
    "aht": "Average handling time (s)",
    "date_format": "yyyy-mm-dd",
    "typed": "2025-03-10",
    "period": "Day",
}


def _reports(world: World, new_page: Any, base: str, language: str) -> Any:
    director = world.users["director"]
    director.language = language
    director.save(update_fields=["language"])
    page = new_page(language)
    sign_in(page, base, director)
    page.goto(f"{base}/reports/")
    return page


@pytest.mark.parametrize(("language", "words"), [("fr", FRENCH), ("en", ENGLISH)])
def test_an_export_downloaded_from_the_page_reads_back_with_headings_rounding_and_separator(
    world: World,
    new_page: Any,
    live_server: Any,
    tmp_path: Path,
    language: str,
    words: dict[str, str],
) -> None:
    # given: the scripted morning of 10 March 2025 in the statistics
    play(world, orders_queue(world))
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    page = _reports(world, new_page, live_server.url, language)

    # when: the director fills the form (dates in the locale's format) and downloads both
    page.get_by_label("Du" if language == "fr" else "From", exact=True).fill(words["typed"])
    page.get_by_label("À" if language == "fr" else "To", exact=True).fill(words["typed"])
    page.locator("#id_group_by").select_option("site_kind")
    page.locator("#id_end").press("Enter")
    expect(page.locator("[data-testid=report-row]").first).to_be_visible()
    expect(page.locator("[data-testid=volume-chart] canvas")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as csv_download:
        page.locator("[data-testid=export-csv]").click()
    with page.expect_download() as xlsx_download:
        page.locator("[data-testid=export-xlsx]").click()

    # then: the CSV has the BOM, the separator, translated headings and rounded figures
    content = Path(csv_download.value.path()).read_bytes()
    rows = csv_rows(content, separator=words["separator"])
    offshore = next(row for row in rows if row[words["site_kind"]] == "Offshore")
    assert offshore[words["answered"]] == "2"
    assert offshore[words["service_level"]] == words["sl"]
    assert [row[words["aht"]] for row in rows if row[words["aht"]]].count("330") == 1
    assert {row[words["period"]] for row in rows} == {words["day"]}
    # and the XLSX stores numbers with number formats
    headings, values, sheet = xlsx_rows(Path(xlsx_download.value.path()).read_bytes())
    line = next(i for i, row in enumerate(values) if row[1] == "Offshore") + 2
    level = sheet.cell(line, headings.index(words["service_level"]) + 1)
    assert (level.value, level.number_format) == (0.5, "0.0%")
    assert sheet.cell(line, 1).number_format == words["date_format"]
    assert sheet.cell(line, 1).value == dt.datetime(2025, 3, 10)


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "«\u202f31/02/2025\u202f» n’est pas une date"), ("en", "“2025-02-31” is not a date")],
)
def test_a_wrong_date_is_shown_on_its_field_and_the_page_stays_accessible(
    world: World, new_page: Any, live_server: Any, language: str, message: str
) -> None:
    page = _reports(world, new_page, live_server.url, language)
    assert_accessible(page)  # the first visit: the last seven days, nothing yet

    page.locator("#id_start").fill("31/02/2025" if language == "fr" else "2025-02-31")
    page.locator("#id_start").press("Enter")

    expect(page.locator("[data-testid=error-start]")).to_contain_text(message)
    expect(page.locator("#id_start")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=report-empty]")).to_be_visible()
    assert_accessible(page)
