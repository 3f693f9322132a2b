"""Requested → committed → delivered in the browser: the planner publishes today's request to
Atlas Contact, Atlas's manager commits a lower headcount (after a refused bad value), the
director sees the deviation, and delivery fills in when Atlas's agents log in (the real
presence services and the router, on a clock at the start of the current half-hour)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from relais.apps.accounts.models import Role
from relais.apps.interactions import services
from relais.apps.router.router import Router
from relais.core.clock import VirtualClock
from tests.apps.conftest import World
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.staffing_request_data import plan_for
from tests.e2e.axe import assert_accessible
from tests.e2e.navigation import go_to
from tests.e2e.screenshots import save
from tests.e2e.test_roles import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NAV = {"fr": "Demandes d’effectifs", "en": "Staffing requests"}


def _speaking(world: World, role: str, language: str) -> Any:
    user = world.users[role]
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def patient(new_page: Any) -> Any:
    """Pages and assertions that wait up to a minute: the shared machines are often busy."""
    expect.set_options(timeout=60_000)

    def make(language: str) -> Any:
        page = new_page(language)
        page.set_default_timeout(60_000)
        return page

    yield make
    expect.set_options(timeout=5_000)


def _tile(page: Any, testid: str) -> Any:
    return page.locator(f"[data-testid={testid}] .kpi-value")


def test_requested_committed_and_delivered_side_by_side(
    world: World, patient: Any, live_server: Any, settings: Any
) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # given: a staffing plan of Rabat (Atlas Contact) for the current half-hour and the next two
    orders_queue(world)
    now = timezone.now()
    current = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    plan = plan_for(world.rabat, timezone.localdate(), agents=(3, 3, 3), first=current)
    row = f"[data-testid=request-row][data-start='{current.isoformat()}']"

    # when: the planner publishes it
    planner = _speaking(world, Role.PLANNER, "fr")
    page = patient("fr")
    log_in(page, live_server, planner.username)
    page.goto(live_server.url + reverse("wfm:staffing", args=[plan.pk]))
    page.locator("[data-testid=publish-button]").click()

    # then: the request's page, nothing committed yet
    expect(page.locator("[data-testid=request-row]")).to_have_count(3)
    expect(_tile(page, "count-not-committed")).to_have_text("3")
    expect(page.locator(f"{row} [data-testid=requested]")).to_contain_text("3")
    expect(page.locator("[data-testid=version-row]")).to_have_count(2)  # published, D-1
    assert_accessible(page)
    save(page, role="planner", name="staffing-request", language="fr", viewport="desktop")

    # when: Atlas's manager, in English, first types a negative headcount
    manager = _speaking(world, Role.PARTNER_MANAGER, "en")
    page = patient("en")
    log_in(page, live_server, manager.username)
    go_to(page, NAV["en"])
    page.get_by_role("link", name="Atlas Contact").click()
    fields = page.locator("[data-testid=request-row] input")
    expect(fields).to_have_count(3)
    fields.nth(0).fill("-1")
    fields.nth(1).fill("3")
    fields.nth(2).fill("3")
    page.locator("[data-testid=commit-button]").click()

    # then: refused, with what was typed kept
    expect(page.locator("[data-testid=planning-error]")).to_have_attribute(
        "data-code", "commitment_not_whole"
    )
    expect(page.locator("[data-testid=request-row] input").nth(0)).to_have_value("-1")

    # when: the manager commits 2 agents instead of 3 for the current half-hour
    page.locator("[data-testid=request-row] input").nth(0).fill("2")
    page.locator("[data-testid=commit-button]").click()

    # then
    expect(_tile(page, "count-under-committed")).to_have_text("1")
    expect(_tile(page, "count-not-committed")).to_have_text("0")
    assert_accessible(page)

    # when: the director looks, in French
    director = _speaking(world, Role.DIRECTOR, "fr")
    page = patient("fr")
    log_in(page, live_server, director.username)
    go_to(page, NAV["fr"])

    # then: the deviation is counted and shown on the interval
    expect(_tile(page, "total-under-committed")).to_have_text("1")
    page.get_by_role("link", name="Atlas Contact").click()
    expect(page.locator(f"{row} [data-testid=committed]")).to_have_text("2")
    expect(page.locator(f"{row} [data-testid=deviation]").first).to_be_visible()
    expect(page.locator(f"{row} [data-testid=logged-in]")).to_have_text("0,0")
    assert_accessible(page)

    # when: two of Atlas's agents log in (desktop open, presence service, router's decision)
    router = Router(clock=VirtualClock(current.timestamp()))
    router.rebuild()
    for key in ("rabat0", "rabat1"):
        agent = world.agents[key]
        desk_open(agent)
        services.agent_login(actor=agent.user, agent=agent)
    router.step()
    page.reload()

    # then: delivery fills in: two agents logged in since the half-hour began
    expect(page.locator(f"{row} [data-testid=logged-in]")).to_have_text("2,0")
    expect(page.locator(f"{row} [data-testid=productive]")).not_to_have_text("0,00")
    save(page, role="director", name="staffing-request", language="fr", viewport="desktop")
