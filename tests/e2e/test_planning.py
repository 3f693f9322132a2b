"""A planner forecasts, staffs and schedules in the browser; a partner manager sees only their
sites. Charts are ECharts canvases; the Gantt shows the site's local time and time zone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from relais.apps.accounts.models import Role
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.fixtures import WEEK, history_csv, open_weekdays
from tests.e2e.axe import assert_accessible
from tests.e2e.navigation import go_to
from tests.e2e.screenshots import save
from tests.e2e.test_roles import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NAV = {"fr": "Planification", "en": "Planning"}


DATES = {"fr": WEEK.strftime("%d/%m/%Y"), "en": WEEK.isoformat()}
WORDS = {
    "fr": {"done": "Terminé", "coverage": "quarts d’heure", "open": "Ouvrir le planning"},
    "en": {"done": "Done", "coverage": "quarter-hours", "open": "Open the schedule"},
}


def run_queued_jobs() -> None:
    """The job worker's one-shot mode, on the test's thread (see test_simulation.py)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_planner_forecasts_staffs_and_schedules_a_week(
    world: World, new_page: Any, live_server: Any, language: str
) -> None:
    open_weekdays(world.lille)
    orders_queue(world)
    planner = world.users[Role.PLANNER]
    planner.language = language
    planner.save(update_fields=["language"])
    page = new_page(language)
    log_in(page, live_server, planner.username)
    words = WORDS[language]

    def shoot(page: Any, name: str) -> None:
        assert_accessible(page)
        save(page, role="planner", name=name, language=language, viewport="desktop")

    go_to(page, NAV[language])
    expect(page.locator("h1")).to_have_text(NAV[language])
    assert_accessible(page)
    form = page.locator("[data-testid=forecast-form]")
    form.locator("select[name=site]").select_option(label="Lille")
    form.locator("select[name=queue]").select_option(
        label="Commandes" if language == "fr" else "Orders"
    )
    form.locator("input[name=source][value=csv]").check()
    form.locator("input[name=history]").set_input_files(
        files=[
            {
                "name": "history.csv",
                "mimeType": "text/csv",
                "buffer": history_csv("Europe/Paris", volume=6).encode(),
            }
        ]
    )
    form.locator("input[name=horizon_start]").fill(DATES[language])
    form.locator("button[type=submit]").click()

    expect(page.locator("[data-testid=forecast-chart] canvas")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("orders")
    shoot(page, "forecast")
    page.locator("[data-testid=staffing-form] button[type=submit]").click()

    expect(page.locator("[data-testid=staffing-chart] canvas")).to_have_count(1)
    expect(page.locator(".page-header")).to_contain_text("Europe/Paris")
    shoot(page, "staffing")

    go_to(page, NAV[language])
    expect(page.locator("h1")).to_have_text(NAV[language])
    schedule = page.locator("[data-testid=schedule-form]")
    schedule.locator("input[name=week_start]").fill(DATES[language])
    schedule.get_by_label("Lille").check()
    schedule.locator("input[name=max_seconds]").fill("2")
    schedule.locator("button[type=submit]").click()

    # the solve is a background job: its page shows the progress, then the result in words
    page.wait_for_url(re.compile(r"/planning/solves/\d+/$"))
    progress = page.locator("[data-testid=solve-progress]")
    expect(progress.locator("[data-testid=solve-percent]")).to_have_text("0\u202f%")
    expect(progress.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "0")
    assert_accessible(page)
    run_queued_jobs()  # meanwhile the page polls the solve's status

    expect(page.locator("[data-testid=solve-status]")).to_have_text(words["done"], timeout=60_000)
    expect(page.locator("[data-testid=solve-coverage]")).to_contain_text(words["coverage"])
    expect(page.locator("[data-testid=solve-distance]")).not_to_be_empty()
    figures = page.locator("[data-testid=solve-figures]")
    expect(figures.locator("table")).not_to_be_visible()  # the solver's figures, folded away
    figures.locator("summary").click()
    expect(figures.locator("table")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=words["open"]).click()

    gantt = page.locator("[data-testid=gantt-site][data-site=Lille]")
    expect(gantt.locator("[data-testid=gantt-tz]")).to_contain_text("Europe/Paris")
    expect(gantt.locator("[data-testid=coverage-chart] canvas")).to_have_count(1)
    shoot(page, "schedule")
    expect(page.locator("[data-testid=solve-coverage]")).to_contain_text(words["coverage"])
    shifts = gantt.locator("[data-testid=shift] .label").all_inner_texts()
    assert shifts, "the schedule has shifts"
    for label in shifts:  # local times of a site open 08:00-20:00
        start, end = re.fullmatch(r"(\d\d:\d\d)–(\d\d:\d\d)", label).groups()  # type: ignore[union-attr]
        assert "08:00" <= start < end <= "20:00", label


def test_partner_manager_sees_only_their_sites_in_planning(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    log_in(page, live_server, world.users[Role.PARTNER_MANAGER].username)

    go_to(page, "Planification")
    expect(page.locator("h1")).to_have_text("Planification")

    rows = page.locator("[data-testid=planning-site-row] td:first-child").all_inner_texts()
    sites = page.locator("[data-testid=forecast-form] select[name=site] option:not([value=''])")
    assert rows == ["Rabat"]
    assert sites.all_inner_texts() == ["Rabat"]
    assert page.locator("[data-testid=schedule-form]").get_by_label("Rabat").count() == 1
    assert page.locator("[data-testid=schedule-form]").get_by_label("Lille").count() == 0
