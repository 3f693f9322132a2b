"""The wallboard in Chromium, live over WebSocket (uvicorn with the router beside it):
a director sees a queue breach its target, opens overflow to Atlas Contact and sees the
waiting contacts go to Rabat's agents (steering queues is for administrators and directors:
it moves traffic between companies); Carpathia CX's manager sees only Carpathia. The agent
grid's filters, the TV mode, an acknowledged alert after a reload; axe-core on the wallboard
and the coaching page in English and French."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.accounts.models import Role, User
from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Agent, Skill
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from tests.apps.conftest import World
from tests.apps.factories import AgentFactory, UserFactory
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in


@dataclass
class Centre:
    world: World
    base: str
    orders: Queue
    supervisor: User
    carpathia_manager: User


@pytest.fixture
def configured(world: World) -> World:
    """Orders (voice): Lille first, Atlas Contact after 30 s, a target of 3 s; a queue served
    by Carpathia CX; the supervisor of Lille also follows Atlas's Rabat team."""
    orders = orders_queue(world, channel=Channel.VOICE)
    Queue.objects.filter(pk=orders.pk).update(service_level_seconds=3)
    romania = Queue.objects.create(
        code="romania", name_fr="Roumanie", name_en="Romania", channel=Channel.VOICE
    )
    QueueSkill.objects.create(queue=romania, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=romania, order=0, after_seconds=0).partners.add(
        world.carpathia
    )
    world.teams["rabat"].supervisors.add(world.users["supervisor"])
    world.users["carpathia_manager"] = UserFactory(
        username="manager.carpathia", role=Role.PARTNER_MANAGER, partner=world.carpathia
    )
    for user in world.users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    return world


@pytest.fixture
def centre(configured: World, asgi_server: str) -> Centre:
    users = configured.users
    return Centre(
        configured,
        asgi_server,
        Queue.objects.get(code="orders"),
        users["supervisor"],
        users["carpathia_manager"],
    )


def wallboard(pages: Callable[[], Any], base: str, user: User) -> Any:
    page = pages()
    sign_in(page, base, user)
    page.goto(f"{base}/supervision/")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    return page


def log_in(world: World, *keys: str) -> None:
    """Agents logged in with a desktop connected (the router offers to no one else)."""
    for key in keys:
        agent = world.agents[key]
        desk_open(agent)  # as if their desktop were open (the server's heartbeat keeps it)
        services.agent_login(actor=agent.user, agent=agent)


def arrive(admin: User, queue: str, count: int = 1) -> list[int]:
    return [services.contact_create(actor=admin, queue_code=queue).pk for _ in range(count)]


def offered(pks: list[int], timeout: float = 10.0) -> list[Contact]:
    """The contacts once the router has offered them all (it runs in the server's thread)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = list(Contact.objects.filter(pk__in=pks).select_related("agent__site"))
        if all(row.state == ContactState.OFFERED for row in rows):
            return rows
        if time.monotonic() > deadline:
            pytest.fail(f"not offered: {[(row.pk, row.state) for row in rows]}")
        time.sleep(0.1)


def accept(rows: list[Contact]) -> None:
    for row in rows:
        agent = Agent.objects.select_related("user").get(pk=row.agent_id)
        services.offer_accept(actor=agent.user, contact=row)


def test_a_director_opens_overflow_to_atlas_and_sees_contacts_go_to_rabat(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    world, admin = centre.world, centre.world.users["administrator"]
    lille0 = world.agents["lille0"]
    log_in(world, "lille0", "rabat0", "rabat1")
    services.agent_break_start(actor=lille0.user, agent=lille0, reason="lunch")
    page = wallboard(pages, centre.base, world.users["director"])

    waiting = arrive(admin, "orders", 2)

    # Lille is at lunch and Atlas comes only after 30 s: beyond 3 s, an alert
    alert = page.get_by_test_id("alert-waiting-orders")
    expect(alert).to_be_visible(timeout=15_000)  # the board pushes growing waits every 5 s
    expect(alert).to_contain_text("Orders: a contact has waited")
    row = page.get_by_test_id("row-queue-orders")
    expect(row.get_by_test_id("waiting")).to_have_text("2")
    assert Contact.objects.filter(pk__in=waiting, state=ContactState.QUEUED).count() == 2

    step = page.get_by_test_id("step-orders-1")
    step.locator("input[name=reason]").fill("Lille at lunch, the line grows")
    step.locator("button[value=open]").click()

    expect(page.get_by_test_id("message")).to_have_text("Done.")
    expect(page.get_by_test_id("override-orders-1")).to_have_text("opened now")
    rows = offered(waiting)  # long before the step's 30 s
    assert {row.agent.site_id for row in rows} == {world.rabat.pk}
    assert {row.agent_id for row in rows} == {world.agents["rabat0"].pk, world.agents["rabat1"].pk}
    accept(rows)
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    expect(row.get_by_test_id("waiting")).to_have_text("0")
    expect(alert).to_have_count(0)
    page.get_by_test_id("dimension").select_option("site")
    rabat = page.get_by_test_id(f"row-site-{world.rabat.pk}")
    expect(rabat.get_by_test_id("answered")).to_have_text("2")
    for key in ("rabat0", "rabat1"):
        agent_row = page.get_by_test_id(f"agent-{world.agents[key].pk}")
        expect(agent_row.get_by_test_id("state")).to_have_text("Busy")

    # closed now: the next contact waits for Lille, Rabat's agents free or not
    step = page.get_by_test_id("step-orders-1")
    step.locator("input[name=reason]").fill("Atlas needed elsewhere")
    step.locator("button[value=close]").click()
    expect(page.get_by_test_id("override-orders-1")).to_have_text("closed now")


def test_carpathia_s_manager_sees_only_carpathia_s_figures(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    world, admin = centre.world, centre.world.users["administrator"]
    log_in(world, "rabat0", "bucarest0")
    (to_rabat,) = arrive(admin, "orders")
    (to_bucarest,) = arrive(admin, "romania")
    accept(offered([to_rabat, to_bucarest]))

    page = wallboard(pages, centre.base, centre.carpathia_manager)
    log_in(world, "bucarest1", "rabat1")  # a live change: a frame is pushed to the page
    bucarest = {str(world.agents[key].pk) for key in ("bucarest0", "bucarest1")}
    rows = page.locator("#agents-body > li")
    expect(rows).to_have_count(2)

    shown = {key.removeprefix("agent-") for key in _test_ids(rows)}
    assert shown == bucarest
    expect(page.get_by_test_id("total-answered")).to_have_text("1")
    page.get_by_test_id("dimension").select_option("site")
    sites = _test_ids(page.locator("#figures-body tr"))
    assert sites == [f"row-site-{world.bucarest.pk}"]
    page.get_by_test_id("dimension").select_option("partner")
    assert _test_ids(page.locator("#figures-body tr")) == [f"row-partner-{world.carpathia.pk}"]
    assert page.get_by_test_id("step-orders-1").count() == 0  # no steering for a partner
    assert "Rabat" not in page.locator("main").inner_text()


def test_a_contact_nobody_can_reach_raises_an_alert_until_an_agent_logs_in(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    # given Romania, served only by Carpathia CX, with nobody of Carpathia logged in
    world, admin = centre.world, centre.world.users["administrator"]
    log_in(world, "lille0")
    page = wallboard(pages, centre.base, centre.supervisor)

    # when a contact arrives in Romania
    arrive(admin, "romania")

    # then the wallboard says nobody can answer it now
    alert = page.get_by_test_id("alert-unreachable-romania")
    expect(alert).to_be_visible()
    expect(alert.get_by_test_id("alert-text")).to_have_text(
        "Romania: 1 contact waits and nobody logged in can answer it"
    )

    # and when an agent of Carpathia logs in, the alert goes
    log_in(world, "bucarest0")
    expect(alert).to_have_count(0)


def test_a_french_supervisor_reads_the_alert_and_the_figures_in_french(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    # given a supervisor who works in French, and Romania with nobody of Carpathia logged in
    world, admin = centre.world, centre.world.users["administrator"]
    centre.supervisor.language = "fr"
    centre.supervisor.save(update_fields=["language"])
    log_in(world, "lille0")
    page = wallboard(pages, centre.base, centre.supervisor)

    # when two contacts arrive in Romania
    arrive(admin, "romania", 2)

    # then the alert is a French sentence with French typography (U+202F before the colon),
    # the queue by its French name, pushed by the server in the viewer's language
    alert = page.get_by_test_id("alert-unreachable-romania")
    expect(alert.get_by_test_id("alert-text")).to_have_text(
        "Roumanie\u202f: 2 contacts attendent et aucun conseiller connecté ne peut y répondre"
    )
    expect(page.get_by_test_id("total-waiting")).to_have_text("2")
    # a rate in French: a dash until a contact is answered, then "100,0 %"-style figures
    expect(page.get_by_test_id("total-sl")).to_have_text("—")


def _test_ids(rows: Any) -> list[str]:
    return [rows.nth(i).get_attribute("data-testid") for i in range(rows.count())]


def _french(user: User) -> User:
    user.language = "fr"
    user.save(update_fields=["language"])
    return user


def french_page(browser: Any, base: str, user: User) -> Any:
    context = browser.new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, _french(user))
    return page


def test_the_agent_grid_filters_by_state_and_by_team(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    # given Lille's two agents and Rabat's two logged in, rabat1 at lunch
    world = centre.world
    log_in(world, "lille0", "lille1", "rabat0", "rabat1")
    rabat1 = world.agents["rabat1"]
    services.agent_break_start(actor=rabat1.user, agent=rabat1, reason="lunch")
    page = wallboard(pages, centre.base, world.users["director"])
    grid = page.locator("#agents-body > li")
    ids = {key: f"agent-{world.agents[key].pk}" for key in ("lille0", "lille1", "rabat0", "rabat1")}
    expect(page.get_by_test_id(ids["rabat1"]).get_by_test_id("state")).to_have_text("Break")
    expect(page.get_by_test_id(ids["lille0"]).get_by_test_id("time-in-state")).to_have_text(
        re.compile(r"^\d\d:\d\d$")
    )

    # when the director keeps only the agents on a break
    page.get_by_label("State", exact=True).select_option("break")

    # then only rabat1 is left
    expect(grid).to_have_count(1)
    assert _test_ids(grid) == [ids["rabat1"]]

    # and by team (every state): Lille's two agents only
    page.get_by_label("State", exact=True).select_option("")
    page.get_by_label("Team", exact=True).select_option("Lille A")
    expect(grid).to_have_count(2)
    assert set(_test_ids(grid)) == {ids["lille0"], ids["lille1"]}
    expect(page.get_by_test_id("agents-shown")).to_have_text("2 of 4")
    page.get_by_label("State", exact=True).select_option("break")
    expect(grid).to_have_count(0)
    expect(page.get_by_test_id("agents-empty")).to_be_visible()


def test_tv_mode_shows_large_figures_without_navigation_in_the_viewer_s_scope(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    world = centre.world
    log_in(world, "lille0", "bucarest0")
    page = pages()
    sign_in(page, centre.base, centre.supervisor)  # Lille and Rabat, not Bucarest
    page.goto(f"{centre.base}/supervision/")
    page.get_by_test_id("tv-mode").click()

    expect(page.get_by_test_id("wallboard")).to_have_attribute("data-tv", "1")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    expect(page.locator("nav").first).to_be_hidden()
    expect(page.get_by_test_id("fullscreen")).to_be_visible()
    expect(page.get_by_test_id("total-waiting")).to_be_visible()
    size = page.evaluate(  # read at once in the page: a frame may re-render the tiles
        "() => parseFloat(getComputedStyle("
        "document.querySelector('[data-testid=total-waiting]')).fontSize)"
    )
    assert size >= 48  # readable from across the room
    expect(page.get_by_test_id(f"agent-{world.agents['lille0'].pk}")).to_be_visible()
    expect(page.get_by_test_id(f"agent-{world.agents['bucarest0'].pk}")).to_have_count(0)
    expect(page.get_by_test_id("broadcast-form")).to_have_count(0)


def test_an_acknowledged_alert_stays_acknowledged_after_a_reload(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    # given a contact in Romania, which nobody can reach (nobody of Carpathia logged in)
    world, admin = centre.world, centre.world.users["administrator"]
    log_in(world, "lille0")
    arrive(admin, "romania")
    page = wallboard(pages, centre.base, centre.supervisor)
    alert = page.get_by_test_id("alert-unreachable-romania")
    expect(alert).to_have_attribute("data-acknowledged", "0")

    # when the supervisor acknowledges it (by keyboard)
    alert.get_by_test_id("alert-acknowledge").focus()
    page.keyboard.press("Enter")

    # then it shows who acknowledged it, and still does after a reload
    expect(alert).to_have_attribute("data-acknowledged", "1")
    expect(alert.get_by_test_id("alert-ack")).to_contain_text("Acknowledged by")
    page.reload()
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    expect(alert).to_have_attribute("data-acknowledged", "1")
    expect(alert.get_by_test_id("alert-acknowledge")).to_have_count(0)
    # Carpathia's manager, another scope, still has it to acknowledge
    other = wallboard(pages, centre.base, centre.carpathia_manager)
    expect(other.get_by_test_id("alert-unreachable-romania")).to_have_attribute(
        "data-acknowledged", "0"
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_wallboard_and_its_tv_mode_are_accessible(
    centre: Centre, pages: Callable[[], Any], browser: Any, language: str
) -> None:
    world, admin = centre.world, centre.world.users["administrator"]
    log_in(world, "lille0", "rabat0")
    arrive(admin, "romania")  # an alert on the page
    director = world.users["director"]
    if language == "fr":
        page = french_page(browser, centre.base, director)
    else:
        page = pages()
        sign_in(page, centre.base, director)
    for url in ("/supervision/", "/supervision/?tv=1"):
        page.goto(f"{centre.base}{url}")
        expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
        expect(page.get_by_test_id("alert-unreachable-romania")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)
        if os.environ.get("RELAIS_WALLBOARD_SHOTS"):  # a look at the page while developing
            page.set_viewport_size({"width": 1440, "height": 900})
            name = url.strip("/").replace("/?", "-").replace("=", "") or "wallboard"
            page.screenshot(path=f"{os.environ['RELAIS_WALLBOARD_SHOTS']}/{name}-{language}.png")
    if language == "fr":
        page.context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_coaching_page_is_accessible(
    centre: Centre, pages: Callable[[], Any], browser: Any, language: str
) -> None:
    world = centre.world
    supervisor = centre.supervisor
    if language == "fr":
        page = french_page(browser, centre.base, supervisor)
    else:
        page = pages()
        sign_in(page, centre.base, supervisor)
    page.goto(f"{centre.base}/supervision/agents/{world.agents['lille0'].pk}/coaching/")
    page.wait_for_selector("#coach[data-online='1']")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    if language == "fr":
        page.context.close()


def test_eighty_agents_fit_on_one_1440_by_900_screen(
    centre: Centre, pages: Callable[[], Any]
) -> None:
    # given 80 agents logged in across the four teams (the world's 8 and 72 more)
    world = centre.world
    for index in range(72):
        team = list(world.teams.values())[index % 4]
        world.agents[f"extra{index}"] = AgentFactory(
            site=team.site, team=team, user__username=f"extra.agent{index}"
        )
    log_in(world, *world.agents)
    page = pages()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, centre.base, world.users["director"])
    page.goto(f"{centre.base}/supervision/?tv=1")
    grid = page.locator("#agents-body > li")
    expect(grid).to_have_count(80)

    # when the grid is scrolled to the top of the screen, every agent is on it
    page.evaluate("document.getElementById('agents-title').scrollIntoView()")
    box = page.get_by_test_id("agents").bounding_box()
    assert box is not None
    head = page.locator(".wb-agents-head").bounding_box()
    assert head is not None
    assert head["height"] + box["height"] <= 900, (head, box)
    if os.environ.get("RELAIS_WALLBOARD_SHOTS"):
        page.screenshot(path=f"{os.environ['RELAIS_WALLBOARD_SHOTS']}/eighty.png")
