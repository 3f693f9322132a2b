"""Every main page, for each role, in French and English, at desktop and phone width: a
full-page screenshot into one folder (tests/e2e/screenshots.py) and the axe-core check
(docs/interface.md, "Accessibility" and "Screenshots")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from relais.apps.accounts.models import Role
from tests.apps.conftest import World
from tests.e2e.axe import axe_report, axe_violations
from tests.e2e.screenshots import VIEWPORTS, save
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

#: Page name -> its path for a world (tests/apps/conftest.py world_build).
PATHS: dict[str, Callable[[World], str]] = {
    "home": lambda w: "/",
    "desktop": lambda w: "/desktop/",
    "my-schedule": lambda w: "/planning/my-schedule/",
    "wallboard": lambda w: "/supervision/",
    "coaching": lambda w: f"/supervision/agents/{w.agents['lille0'].pk}/coaching/",
    "help-requests": lambda w: "/desktop/help/",
    "reports": lambda w: "/reports/",
    "planning": lambda w: "/planning/",
    "simulation": lambda w: "/simulation/",
    "sites": lambda w: "/organisation/sites/",
    "teams": lambda w: "/organisation/teams/",
    "agents": lambda w: "/organisation/agents/",
    "partners": lambda w: "/organisation/partners/",
    "security": lambda w: "/accounts/security/",
    "satisfaction": lambda w: "/satisfaction/",
    "quality": lambda w: "/quality/",
    "quality-mine": lambda w: "/quality/mine/",
    "quality-forms": lambda w: "/quality/forms/",
    "sampling-plans": lambda w: "/quality/plans/",
    "calibration": lambda w: "/quality/calibration/",
}
ORGANISATION = ["sites", "teams", "agents", "partners"]
#: The main pages each role uses.
PAGES: dict[str, list[str]] = {
    Role.AGENT: ["home", "my-schedule", "quality-mine", "sites", "agents", "security"],
    Role.SUPERVISOR: ["home", "coaching", "help-requests", "reports", "planning", *ORGANISATION],
    Role.DIRECTOR: [
        "home",
        "wallboard",
        "reports",
        "satisfaction",
        "planning",
        "simulation",
        *ORGANISATION,
    ],
    Role.PARTNER_MANAGER: [
        "home",
        "wallboard",
        "reports",
        "satisfaction",
        "planning",
        *ORGANISATION,
    ],
    Role.PLANNER: ["home", "planning", "simulation", "reports", "sites"],
    Role.QUALITY_ANALYST: [
        "home",
        "satisfaction",
        "quality",
        "quality-forms",
        "sampling-plans",
        "calibration",
        "reports",
        "sites",
        "agents",
    ],
    Role.PARTNER_EVALUATOR: ["home", "quality", "sampling-plans", "calibration", "security"],
    Role.ADMINISTRATOR: ["home", "wallboard", "reports", "planning", "simulation", "security"],
}


def check(page: Any, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name} {page.url}\n{axe_report(violations)}"


#: The page's width beyond the window (0: nothing to scroll sideways).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def assert_no_sideways_scroll(page: Any, name: str) -> None:
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{name} {page.url} is {overflow} px wider than the window"


def visit_all(
    page: Any, base: str, role: str, names: list[str], world: World, language: str
) -> None:
    for name in names:
        for viewport, (width, height) in VIEWPORTS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + PATHS[name](world))
            page.wait_for_load_state("load")
            save(page, role=role, name=name, language=language, viewport=viewport)
            check(page, name)
            if viewport == "desktop":
                assert_no_sideways_scroll(page, name)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_every_main_page_of_a_role_is_accessible_and_shot(
    world: World, new_page: Any, live_server: Any, role: Role, language: str
) -> None:
    user = world.users[role]
    user.language = language
    user.save(update_fields=["language"])
    page = new_page(language)
    sign_in(page, live_server.url, user)
    visit_all(page, live_server.url, str(role), PAGES[role], world, language)
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_login_page_is_accessible_and_shot(
    world: World, new_page: Any, live_server: Any, language: str
) -> None:
    page = new_page(language)
    PATHS["login"] = lambda w: "/accounts/login/"
    visit_all(page, live_server.url, "anonymous", ["login"], world, language)
    assert page.locator("#id_username").is_visible()
