"""A director switches a prepared crisis mode on and off from /crisis/, with a reason; each
piece it changes is checked in the browser or the record (uvicorn, in Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.audit.models import AuditEntry
from relais.apps.chat.models import ChatTopic
from relais.apps.crisis.models import CrisisMode
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.crisis.fixtures import CHAT_HOURS, CRISIS_HOURS, prepared_mode
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

NOTICE = "Rappel du grille-pain T-800 : consultez notre article."


@pytest.fixture
def centre(world: World, asgi_server: str) -> tuple[World, CrisisMode, str]:
    mode = prepared_mode(world)
    ChatTopic.objects.create(
        code="commande",
        label_fr="Ma commande",
        label_en="My order",
        queue=Queue.objects.get(code="commandes"),
    )
    director = world.users["director"]
    director.language = "en"
    director.save(update_fields=["language"])
    return world, mode, asgi_server


def _switch(page: Any, reason: str) -> None:
    page.get_by_test_id("crisis-reason").fill(reason)
    page.get_by_test_id("crisis-switch").click()
    page.wait_for_load_state()


def _widget(pages: Any, base: str) -> Any:
    customer = pages()
    customer.goto(f"{base}/demo/boutique/?lang=fr&queue=commandes")
    customer.click("[data-testid=chat-open]")
    customer.wait_for_selector("[data-testid=prechat], [data-testid=alternatives]")
    return customer


def _queues() -> tuple[tuple[bool, str], tuple[bool, str]]:
    chat = Queue.objects.get(code="commandes")
    voice = Queue.objects.get(code="commandes-tel")
    return (chat.active, chat.opening_hours), (voice.active, voice.opening_hours)


def test_a_director_switches_a_crisis_mode_on_and_off(
    centre: tuple[World, CrisisMode, str], pages: Any
) -> None:
    world, mode, base = centre
    director = pages()
    sign_in(director, base, world.users["director"])
    director.goto(f"{base}/crisis/")
    assert_accessible(director)
    expect(director.get_by_test_id("crisis-state")).to_contain_text("No crisis mode is on")

    # on, with a reason
    _switch(director, "Product recall")
    expect(director.get_by_test_id("crisis-state")).to_contain_text("Rappel produit T-800")
    expect(director.get_by_test_id("crisis-briefing")).to_be_visible()
    assert _queues() == ((True, CRISIS_HOURS), (False, ""))
    mode.refresh_from_db()
    assert mode.on
    entry = AuditEntry.objects.get(action="crisis.mode_on")
    assert entry.reason == "Product recall"
    # the widget shows the message, the help centre the article first
    customer = _widget(pages, base)
    expect(customer.get_by_test_id("crisis-notice")).to_have_text(NOTICE)
    customer.goto(f"{base}/help/?lang=fr")
    expect(customer.get_by_test_id("help-featured")).to_contain_text("Rappel du grille-pain T-800")
    # the blocking briefing's acknowledgements are one click away
    director.get_by_test_id("crisis-briefing").click()
    director.wait_for_url(f"{base}/briefings/*/")
    expect(director.locator("body")).to_contain_text("Rappel produit T-800")

    # off, with a reason: everything back
    director.goto(f"{base}/crisis/")
    _switch(director, "Recall over")
    expect(director.get_by_test_id("crisis-state")).to_contain_text("No crisis mode is on")
    assert _queues() == ((True, CHAT_HOURS), (True, ""))
    assert AuditEntry.objects.get(action="crisis.mode_off").reason == "Recall over"
    customer = _widget(pages, base)
    expect(customer.get_by_test_id("crisis-notice")).to_have_count(0)
    customer.goto(f"{base}/help/?lang=fr")
    expect(customer.get_by_test_id("help-featured")).to_have_count(0)
