"""A home for each role in the browser (docs/interface.md): where signing in leads, the shell's
navigation (only the role's entries, the current one marked), and text that renders: accented
letters and emoji drawn with real glyphs (fonts installed by .ci/run)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.accounts.models import Role
from tests.apps.conftest import World
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

#: Where signing in leads each role, and a testid the page shows there.
LANDING = {
    Role.AGENT: "/desktop/",
    Role.SUPERVISOR: "/supervision/",
    Role.DIRECTOR: "/",
    Role.PARTNER_MANAGER: "/",
    Role.PLANNER: "/",
    Role.QUALITY_ANALYST: "/quality/",
    Role.PARTNER_EVALUATOR: "/quality/",
}


@pytest.mark.parametrize("role", list(LANDING))
def test_signing_in_leads_each_role_to_its_home(
    world: World, new_page: Any, live_server: Any, role: Role
) -> None:
    page = new_page("en")
    user = world.users[role]
    user.language = "en"
    user.save(update_fields=["language"])
    sign_in(page, live_server.url, user)
    assert page.url == live_server.url + LANDING[role]
    nav = page.locator("nav")
    current = {
        Role.AGENT: "Desktop",
        Role.SUPERVISOR: "Supervision",
        Role.QUALITY_ANALYST: "Quality",
        Role.PARTNER_EVALUATOR: "Quality",
    }.get(role, "Dashboard")
    expect(nav.locator("[aria-current=page]")).to_have_text(current)
    has_wallboard = nav.get_by_role("link", name="Supervision", include_hidden=True).count() == 1
    assert has_wallboard == (role not in (Role.AGENT, Role.PARTNER_EVALUATOR))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_director_reads_today_by_site_kind_and_partner_in_french(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    sign_in(page, live_server.url, world.users[Role.DIRECTOR])
    expect(page.locator("h1")).to_have_text("Tableau de bord")
    expect(page.get_by_test_id("by-site-kind")).to_be_visible()
    expect(page.get_by_test_id("by-partner")).to_be_visible()
    expect(page.get_by_test_id("no-alert")).to_contain_text("Aucune alerte")
    expect(page.locator("nav [aria-current=page]")).to_contain_text("Tableau de bord")
    # the user menu opens by keyboard and offers Security and Log out
    page.get_by_test_id("who").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Sécurité")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert_accessible(page)


def test_the_skip_link_takes_the_keyboard_to_the_content(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("en")
    page.goto(f"{live_server.url}/accounts/login/")
    skip = page.locator(".skip-link")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


#: Draw `text` on a canvas in the page's own font and count the coloured pixels (an emoji of
#: Noto Color Emoji is drawn in colour; a missing glyph is a grey box or nothing).
COLOURED_PIXELS = """(text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 120; canvas.height = 80;
    const context = canvas.getContext('2d');
    context.font = '48px ' + getComputedStyle(document.body).fontFamily;
    context.textBaseline = 'top';
    context.fillStyle = '#000';
    context.fillText(text, 10, 10);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return coloured;
}"""


def test_accented_text_and_emoji_render_with_real_glyphs(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
        const span = document.createElement('span');
        span.id = 'sample'; span.textContent = 'Élodie 👋 « ça va ? »';
        const box = document.createElement('p');
        document.querySelector('main').append(box);
        box.append(span);
        for (const [id, text] of [['one', 'É'], ['missing', '\\u{10FFFD}']]) {
            const s = document.createElement('span'); s.id = id; s.textContent = text;
            s.style.display = 'inline-block';
            box.append(s);
        }
    }"""
    )
    assert page.locator("#sample").inner_text() == "Élodie 👋 « ça va ? »"
    assert page.locator("#sample").bounding_box()["width"] > 0
    # the emoji is drawn in colour by an installed emoji font, the letters are black
    assert page.evaluate(COLOURED_PIXELS, "👋") > 100
    assert page.evaluate(COLOURED_PIXELS, "É") == 0
    # "É" comes from a real font: its width differs from a missing glyph's box
    widths = page.evaluate(
        "() => ['one', 'missing'].map("
        "id => document.getElementById(id).getBoundingClientRect().width)"
    )
    assert widths[0] > 0
    assert widths[0] != widths[1]


def test_the_grouped_menus_open_by_keyboard_and_mark_the_current_page(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("en")
    director = world.users[Role.DIRECTOR]
    director.language = "en"
    director.save(update_fields=["language"])
    sign_in(page, live_server.url, director)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/organisation/teams/")
    # given the teams page, the Organisation menu is the current group
    group = page.get_by_test_id("nav-organisation")
    assert "active" in (group.get_attribute("class") or "")
    toggle = group.get_by_role("button", name="Organisation")
    expect(group.locator("[aria-current=page]")).to_be_hidden()
    # when the keyboard opens it
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    # then its entries are reachable, the current page marked
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sites"
    expect(group.locator("[aria-current=page]")).to_have_text("Teams")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_accessible(page)


def test_on_a_phone_the_navigation_folds_behind_the_menu_button(
    world: World, new_page: Any, live_server: Any
) -> None:
    page = new_page("fr")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, world.users[Role.ADMINISTRATOR])
    menu = page.locator("#navbar-menu")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Afficher le menu").click()
    expect(menu).to_be_visible()
    group = page.get_by_role("button", name="Organisation")
    for _ in range(3):  # a click while the menu opens (its transition) may land on nothing
        group.click()
        with contextlib.suppress(AssertionError):
            expect(group).to_have_attribute("aria-expanded", "true", timeout=2000)
            break
    expect(menu.get_by_role("link", name="Sites")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
