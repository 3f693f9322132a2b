"""A director builds a scenario from the live configuration, runs it and reads the report."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from relais.apps.sourcing.models import LoadedCost
from tests.apps.conftest import World
from tests.apps.contracts.fixtures import atlas_contract
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.navigation import go_to
from tests.e2e.test_roles import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def run_queued_jobs() -> None:
    """The job worker's one-shot mode, on the test's thread: its database connection is the
    live server's (in-memory SQLite cannot be shared with a thread of its own)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_director_simulates_the_live_configuration(
    world: World, new_page: Any, live_server: Any, language: str
) -> None:
    atlas_contract(world)  # Atlas's agents at 20 EUR an hour, Lille's at its loaded cost
    LoadedCost.objects.create(site=world.lille, per_hour=30, valid_from=dt.date(2026, 1, 1))
    director = world.users["director"]
    director.language = language
    director.save(update_fields=["language"])
    page = new_page(language)
    log_in(page, live_server, director.username)
    texts = {
        "fr": ("Simulation", "Construire le scénario", "Lancer la simulation", "Terminée"),
        "en": ("Simulation", "Build the scenario", "Run the simulation", "Done"),
    }[language]

    go_to(page, texts[0])
    form = page.locator("[data-testid=build-form]")
    form.locator("input[name=name]").fill("Demain matin")
    form.locator("input[name=calls_per_hour]").fill("20")
    form.locator("input[name=hours]").fill("2")
    form.locator("input[name=replications]").fill("3")
    form.locator(f"text={texts[1]}").click()
    editor = page.locator("textarea[name=toml]")
    expect(editor).to_have_value(
        re.compile(r'\[\[queues\]\]\s+# Orders / Commandes\s+id = "orders"')
    )
    page.locator("[data-testid=run-form] input[name=replications]").fill("3")
    page.click(f"text={texts[2]}")
    page.wait_for_url(re.compile(r"/simulation/runs/\d+/$"))
    expect(page.locator("[data-testid=run-percent]")).to_have_text("0 %")
    run_queued_jobs()  # meanwhile the page polls the run's progress

    expect(page.locator("[data-testid=run-percent]")).to_have_text("100 %", timeout=60_000)
    expect(page.locator("[data-testid=run-status]")).to_have_text(texts[3])
    expect(page.locator("[data-testid=headline] tbody tr")).to_have_count(10)  # with costs
    sources = page.locator("[data-testid=prices] [data-testid=price-source]")
    contract, loaded = {"fr": ("contrat", "coût chargé"), "en": ("contract", "loaded cost")}[
        language
    ]
    expect(sources.filter(has_text=f"{contract} ATLAS-2026 v1")).not_to_have_count(0)
    expect(sources.filter(has_text=f"{loaded} ")).not_to_have_count(0)
    expect(page.locator("[data-testid=costs]")).to_be_visible()
    assert_accessible(page)
    report = page.frame_locator("[data-testid=report]")
    title = "Rapport de simulation" if language == "fr" else "Simulation report"
    expect(report.locator("h1")).to_contain_text(title)
    expect(report.locator("svg").first).to_be_visible()


def test_a_partner_manager_finds_no_simulation(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    log_in(page, live_server, world.users["partner_manager"].username)

    expect(page.locator("nav")).not_to_contain_text("Simulation")
    response = page.goto(f"{live_server.url}/simulation/")

    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Introuvable")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_what_if_with_a_site_outage_shows_the_outage_in_its_report(
    world: World, new_page: Any, live_server: Any, language: str
) -> None:
    orders_queue(world)
    planner = world.users["planner"]
    planner.language = language
    planner.save(update_fields=["language"])
    page = new_page(language)
    log_in(page, live_server, planner.username)
    texts = {
        "fr": ("Construire le scénario", "Créer le scénario «\u202fet si\u202f»", "Pannes de site"),
        "en": ("Build the scenario", "Create the what-if scenario", "Site outages"),
    }[language]

    go_to(page, "Simulation")
    assert_accessible(page)
    form = page.locator("[data-testid=build-form]")
    form.locator("input[name=name]").fill("Base")
    form.locator("input[name=calls_per_hour]").fill("30")
    form.locator("input[name=hours]").fill("3")
    form.locator("input[name=replications]").fill("2")
    form.locator(f"text={texts[0]}").click()
    expect(page.locator("[data-testid=what-if-form]")).to_be_visible()
    assert_accessible(page)

    what_if = page.locator("[data-testid=what-if-form]")
    what_if.locator("input[name=name]").fill("Lille en panne")
    outage = what_if.locator("[data-testid=outage-fields]")
    outage.locator("select[name=outage_site]").select_option("lille")
    outage.locator("input[name=outage_from]").fill("09:00")
    outage.locator("input[name=outage_until]").fill("10:00")
    what_if.locator(f"text={texts[1]}").click()

    expect(page.locator("h1")).to_contain_text("Lille en panne")
    editor = page.locator("textarea[name=toml]")  # the advanced view: the TOML the form wrote
    expect(editor).to_have_value(re.compile(r'kind = "link_down"\s+site = "lille"\s+at = "09:00"'))
    page.locator("[data-testid=run-form] input[name=replications]").fill("2")
    page.locator("[data-testid=run-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/simulation/runs/\d+/$"))
    run_queued_jobs()

    report = page.frame_locator("[data-testid=report]")
    expect(report.locator("h2", has_text=texts[2])).to_be_visible(timeout=60_000)
    expect(report.locator("[data-testid=outages] tr")).to_have_count(2)  # header + Lille
    expect(report.locator("[data-testid=outages]")).to_contain_text("09:00–10:00")
    expect(report.locator("g[data-outage]").first).to_be_attached()
    assert_accessible(page)
