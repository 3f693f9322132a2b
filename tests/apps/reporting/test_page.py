"""The reports page: filters as a form whose date errors are shown, never replaced; figures
with their units; charts beside the tables; empty states that say what to do."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.utils import timezone

from relais.apps.reporting.stats import intervals_recompute
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.supervision.day import DAY, NOW, play


def _page(world: World, query: str, *, language: str = "fr", role: str = "director") -> str:
    user = world.users[role]
    user.language = language
    user.save(update_fields=["language"])
    response = logged_in(user).get(f"/reports/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_wrong_date_is_shown_on_its_field_and_no_figures_are_made_up(world: World) -> None:
    html = _page(world, "?start=31/02/2025&end=10/03/2025&period=day")

    assert 'data-testid="error-start"' in html
    assert "«\u202f31/02/2025\u202f» n’est pas une date" in html
    assert 'value="31/02/2025"' in html  # what the person typed stays in the field
    assert 'aria-invalid="true"' in html
    assert 'data-testid="report-row"' not in html
    assert "Corrigez les champs signalés en rouge" in html
    assert 'data-testid="export-csv"' not in html


def test_an_end_before_the_start_is_an_error_in_english_too(world: World) -> None:
    html = _page(world, "?start=2025-03-10&end=2025-03-01&period=day", language="en")
    french = _page(world, "?start=2025-03-01&end=2025-03-10&period=day")

    assert 'data-testid="error-end"' in html
    assert "The end date comes before the start date." in html
    assert "Format: yyyy-mm-dd" in html
    assert 'value="01/03/2025"' in french  # a link's ISO date, read back in French


def test_an_emptied_date_is_an_error_not_the_default(world: World) -> None:
    html = _page(world, "?start=&end=2025-03-10&period=day")

    assert "Saisissez une date." in html


def test_dates_read_in_the_french_format_and_are_written_back_in_it(world: World) -> None:
    html = _page(world, "?start=03/03/2025&end=10/03/2025&period=week")

    assert 'value="03/03/2025"' in html
    assert "Format\u202f: jj/mm/aaaa" in html
    assert "export.csv?start=2025-03-03&amp;end=2025-03-10&amp;period=week" in html


def test_the_first_visit_shows_the_last_seven_days_in_the_locales_format(world: World) -> None:
    today = timezone.localdate()

    html = _page(world, "")

    assert f'value="{(today - dt.timedelta(days=6)).strftime("%d/%m/%Y")}"' in html
    assert f'value="{today.strftime("%d/%m/%Y")}"' in html
    assert 'data-testid="error-' not in html


def test_no_figures_says_what_to_do(world: World) -> None:
    html = _page(world, "?start=2025-03-10&end=2025-03-10&period=day", language="en")

    assert 'data-testid="report-empty"' in html
    assert "Widen the dates or remove a filter" in html


def test_figures_have_units_and_charts_their_data(world: World) -> None:
    play(world, orders_queue(world))
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)

    html = _page(world, f"?start={DAY}&end={DAY}&period=day&group_by=site_kind")

    assert re.search(r'data-testid="service-level">50,0\u202f%<', html)  # offshore: 1 of 2
    assert 'data-testid="aht">05:30<' in html  # inshore: 300 s + 30 s of wrap-up
    volume = json.loads(re.search(r'id="volume-chart-data"[^>]*>(.*?)</script>', html).group(1))
    assert volume["categories"] == ["10/03/2025"]
    assert {s["name"] for s in volume["series"]} >= {"Offshore"}
    comparison = json.loads(
        re.search(r'id="comparison-chart-data"[^>]*>(.*?)</script>', html).group(1)
    )
    assert comparison["series"][0]["values"][1] == 50.0  # offshore service level, in %


def test_a_site_outside_the_scope_is_not_a_choice(world: World) -> None:
    bucarest = world.bucarest.pk  # Carpathia's; the manager is Atlas's

    html = _page(world, f"?start=2025-03-10&end=2025-03-10&site={bucarest}", role="partner_manager")

    assert 'data-testid="error-site"' in html
    assert "Bucarest" not in html
