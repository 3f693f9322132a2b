"""Presence and liveness in Chromium (docs/presence.md): an agent who closes the desktop tab
gets no more offers, a reload changes nothing, a customer who closes the widget leaves the
line, and after a restart nobody absent is offered anything."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from relais.apps.accounts.models import User
from relais.apps.chat.models import ChatTopic
from relais.apps.desktop.sync import sync_presence
from relais.apps.interactions.models import (
    AgentPresence,
    CloseReason,
    Contact,
    ContactState,
    PresenceState,
)
from relais.apps.routing.models import Channel, Queue
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.conftest import AsgiServer
from tests.e2e.signin import sign_in

GRACE_S = 3.0  # an agent's and a customer's grace, short for the test


@pytest.fixture
def centre(world: World, asgi_server_control: AsgiServer, settings: Any) -> AsgiServer:
    settings.AGENT_GRACE_S = GRACE_S
    queue = orders_queue(world, channel=Channel.CHAT)
    Queue.objects.filter(pk=queue.pk).update(customer_grace_seconds=int(GRACE_S))
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    for user in world.users.values():
        user.language = "fr"
        user.save(update_fields=["language"])
    asgi_server_control.stop()  # the router reads the grace when it starts
    asgi_server_control.start()
    return asgi_server_control


@pytest.fixture
def contexts(browser: Any) -> Iterator[Callable[..., Any]]:
    made: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(locale="fr", **options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def desktop(contexts: Callable[..., Any], base: str, username: str) -> Any:
    page = contexts().new_page()
    sign_in(page, base, User.objects.get(username=username))
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    return page


def available(page: Any) -> None:
    page.select_option("[data-testid=state]", "available")
    page.wait_for_function("() => document.getElementById('desk-presence').textContent.length > 0")


def customer(contexts: Callable[..., Any], base: str, name: str) -> Any:
    page = contexts(viewport={"width": 390, "height": 780}).new_page()
    page.goto(f"{base}/demo/boutique/?lang=fr&queue=orders")
    page.click("[data-testid=chat-open]")
    page.fill("[data-testid=prechat] input[name=name]", name)
    page.fill("[data-testid=prechat] textarea[name=message]", f"Bonjour, c'est {name}")
    page.click("[data-testid=prechat] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-log]")
    return page


def until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `check()` holds (fails after `timeout`)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def presence(world: World, key: str) -> str:
    found = AgentPresence.objects.filter(agent=world.agents[key]).first()
    return "" if found is None else found.state


def test_an_agent_who_closes_the_tab_gets_no_offer_and_a_reload_changes_nothing(
    centre: AsgiServer, world: World, contexts: Callable[..., Any]
) -> None:
    base = centre.url
    first = desktop(contexts, base, world.agents["lille0"].user.username)
    available(first)  # lille0 is the longest idle: without leases, offers would go there
    second = desktop(contexts, base, world.agents["lille1"].user.username)
    available(second)

    first.close()  # the tab is closed
    until(lambda: presence(world, "lille0") == PresenceState.DISCONNECTED, GRACE_S + 10, "out")
    jeanne = customer(contexts, base, "Jeanne")
    second.wait_for_selector("[data-testid=offer]")
    contact = Contact.objects.get()
    assert contact.agent_id == world.agents["lille1"].pk

    second.reload()  # within the grace: nothing changes, the offer is still there
    second.wait_for_selector("#desk[data-online='1']")
    second.wait_for_selector("[data-testid=offer]")
    time.sleep(GRACE_S + 1)
    assert presence(world, "lille1") == PresenceState.BUSY
    contact.refresh_from_db()
    assert (contact.state, contact.agent_id) == (ContactState.OFFERED, world.agents["lille1"].pk)
    expect(jeanne.get_by_test_id("chat-status")).to_be_visible()


def test_a_customer_who_closes_the_widget_leaves_the_line_and_the_others_move_up(
    centre: AsgiServer, world: World, contexts: Callable[..., Any]
) -> None:
    base = centre.url
    leaving = customer(contexts, base, "Première")
    staying = customer(contexts, base, "Deuxième")
    expect(staying.get_by_test_id("chat-status")).to_contain_text("2", timeout=10_000)
    first = Contact.objects.order_by("pk").first()
    assert first is not None

    leaving.close()  # the page says goodbye and its connection ends
    took = until(
        lambda: Contact.objects.get(pk=first.pk).state == ContactState.ABANDONED,
        GRACE_S + 5,
        "the first customer abandoned",
    )
    assert took <= GRACE_S + 5
    assert Contact.objects.get(pk=first.pk).close_reason == CloseReason.CUSTOMER_LEFT
    expect(staying.get_by_test_id("chat-status")).to_contain_text("1", timeout=10_000)
    waiting = Contact.objects.filter(state__in=(ContactState.CREATED, ContactState.QUEUED))
    assert waiting.count() == 1


def test_after_a_restart_nobody_absent_is_offered_anything_and_gone_customers_leave(
    centre: AsgiServer, world: World, contexts: Callable[..., Any]
) -> None:
    base = centre.url
    here = desktop(contexts, base, world.agents["lille0"].user.username)
    available(here)
    gone = desktop(contexts, base, world.agents["lille1"].user.username)
    available(gone)
    here.select_option("[data-testid=state]", "break:lunch")  # lille0 takes nothing for now
    until(lambda: presence(world, "lille0") == PresenceState.BREAK, 10, "lille0 on a break")
    leaving = customer(contexts, base, "Partie")
    gone_page_context = gone.context
    gone.close()
    leaving.close()

    centre.stop()
    centre.start()
    # lille0's desktop reconnects by itself; lille1's tab and the customer are gone
    here.wait_for_selector("#desk[data-online='1']", timeout=20_000)
    assert gone_page_context is not None
    until(lambda: presence(world, "lille1") == PresenceState.DISCONNECTED, GRACE_S + 10, "out")
    until(
        lambda: (
            not Contact.objects.filter(
                state__in=(ContactState.CREATED, ContactState.QUEUED, ContactState.OFFERED)
            ).exists()
        ),
        GRACE_S + 10,
        "nothing left waiting for a gone customer",
    )
    assert not Contact.objects.filter(agent=world.agents["lille1"]).exists()
    here.select_option("[data-testid=state]", "available")
    fresh = customer(contexts, base, "Nouvelle")
    here.wait_for_selector("[data-testid=offer]")
    assert Contact.objects.get(state=ContactState.OFFERED).agent_id == world.agents["lille0"].pk
    assert fresh


def test_the_state_timer_counts_from_the_server_s_start_of_the_state(
    world: World, centre: AsgiServer, contexts: Callable[..., Any]
) -> None:
    # given a browser whose clock is an hour ahead of the server's
    page = contexts().new_page()
    page.clock.set_system_time(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    sign_in(page, centre.url, world.users["agent"])
    page.goto(f"{centre.url}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    timer = page.get_by_test_id("state-timer")

    # when the agent becomes available, the change's start comes from the server
    available(page)
    expect(page.locator("#desk-presence")).to_have_attribute("data-state", "available")

    # then the timer counts from it by the server's clock (not from the browser's, an hour off)
    expect(timer).to_have_text(re.compile(r"^00:\d\d$"))

    # when the state began ten minutes ago on the server, a reload shows those ten minutes
    agent = User.objects.get(username=world.users["agent"].username).agent
    AgentPresence.objects.filter(agent=agent).update(
        since=timezone.now() - dt.timedelta(minutes=10)
    )
    page.reload()
    page.wait_for_selector("#desk[data-online='1']")
    expect(timer).to_have_text(re.compile(r"^10:\d\d$"))

    # and a change that reaches the page late (a lunch break begun seven minutes ago on the
    # server) counts from its own start, not from when the frame arrived
    with transaction.atomic():
        AgentPresence.objects.filter(agent=agent).update(
            state=PresenceState.BREAK,
            break_reason="lunch",
            since=timezone.now() - dt.timedelta(minutes=7),
        )
        sync_presence(agent.pk)
    expect(page.locator("#desk-presence")).to_have_attribute("data-state", "break")
    expect(timer).to_have_text(re.compile(r"^07:\d\d$"))
