"""Each role logs in through the browser and sees only its scope, in French and in English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.accounts.models import Role, User
from tests.apps.conftest import World
from tests.e2e.navigation import go_to
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Site names each role may see, from the role definitions (see the authorisation matrix).
VISIBLE_SITES = {
    Role.ADMINISTRATOR: {"Lille", "Rabat", "Bucarest", "Domicile"},
    Role.DIRECTOR: {"Lille", "Rabat", "Bucarest", "Domicile"},
    Role.PLANNER: {"Lille", "Rabat", "Bucarest", "Domicile"},
    Role.QUALITY_ANALYST: {"Lille", "Rabat", "Bucarest", "Domicile"},
    Role.PARTNER_MANAGER: {"Rabat"},
    Role.SUPERVISOR: {"Lille"},
    Role.AGENT: {"Rabat"},
    Role.PARTNER_EVALUATOR: set(),  # quality only: the evaluations of their partner's agents
}
HEADINGS = {
    "fr": ("Tableau de bord", "Sites", "Conseillers"),
    "en": ("Dashboard", "Sites", "Agents"),
}


def log_in(page: Any, live_server: Any, username: str) -> None:
    sign_in(page, live_server.url, User.objects.get(username=username))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_role_sees_only_its_sites_and_agents(
    world: World, new_page: Any, live_server: Any, role: Role, language: str
) -> None:
    page = new_page(language)
    user = world.users[role]
    user.language = language  # the person's saved language chooses the interface's
    user.save(update_fields=["language"])

    log_in(page, live_server, user.username)
    dashboard, sites_title, agents_title = HEADINGS[language]
    assert page.locator("header nav").inner_text().count(dashboard) == 1
    go_to(page, sites_title)
    page.wait_for_url("**/organisation/sites/")
    shown = set(page.locator("[data-testid=site-row] td:first-child").all_inner_texts())
    go_to(page, agents_title)
    page.wait_for_url("**/organisation/agents/")
    agents_shown = page.locator("[data-testid=agent-row]").count()

    assert shown == VISIBLE_SITES[role]
    expected_agents = sum(1 for a in world.agents.values() if a.site.name in VISIBLE_SITES[role])
    if role == Role.AGENT:
        expected_agents = 1
    assert agents_shown == expected_agents
    assert page.locator("h1").inner_text() == agents_title


def test_language_switcher_changes_the_interface(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    log_in(page, live_server, world.users[Role.DIRECTOR].username)
    assert "Tableau de bord" in page.locator("header nav").inner_text()

    page.select_option("#language-select", "en")

    expect(page.locator("header nav")).to_contain_text("Dashboard")
    assert page.locator("html").get_attribute("lang") == "en"


def test_wrong_password_shows_a_clear_error(world: World, new_page: Any, live_server: Any) -> None:
    page = new_page("fr")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "director")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")

    assert "Identifiant ou mot de passe incorrect" in page.locator("[role=alert]").inner_text()
