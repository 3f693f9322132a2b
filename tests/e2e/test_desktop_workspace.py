"""The agent desktop's workspace in a browser (issue 16): an offer accepted by keyboard, a
previous contact's transcript, a transfer to a named colleague, a broadcast kept across a
reload; every state checked with axe-core in French and English."""

from __future__ import annotations

import datetime as dt
import re
import time
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.apps.chat.models import ChatTopic
from relais.apps.deskstream.events import BroadcastEvent, desk_event_append
from relais.apps.desktop.models import BroadcastRead
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.routing.models import Channel
from relais.apps.wfm.models import Schedule, ScheduledShift
from tests.apps.conftest import World
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in


@pytest.fixture
def shop(world: World, asgi_server: str) -> str:
    queue = orders_queue(world, channel=Channel.CHAT)
    ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    # Jeanne wrote once before: a message she left, handled
    before = Contact.objects.create(
        channel=Channel.EMAIL,
        queue=queue,
        customer_reference="jeanne@example.com",
        customer_key="email:jeanne@example.com",  # who she is, on every channel
        attributes={"message": "Mon colis n'est jamais arrivé", "name": "Jeanne Martin"},
        state=ContactState.CLOSED,
        priority=0,
        created_at=timezone.now() - timezone.timedelta(days=3),
    )
    ContactEvent.objects.create(  # its event log, shown with the transcript
        at=before.created_at, kind=EventKind.CONTACT_COMPLETED, contact=before
    )
    user = world.agents["lille1"].user
    user.first_name, user.last_name = "Karim", "Benali"
    user.save()
    return asgi_server


@pytest.fixture
def contexts(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(language: str) -> Any:
        context = browser.new_context(
            locale=language, extra_http_headers={"Accept-Language": language}
        )
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def _broadcast(world: World, number: int, text: str) -> None:
    desk_event_append(
        agent_id=world.agents["lille0"].pk,
        event=BroadcastEvent(
            broadcast_id=number,
            message=text,
            sender="Sophie",
            target_kind="team",
            target="Lille A",
            sent_at=timezone.now(),
        ),
        key=f"broadcast:{number}",
    )


LUNCH = {"fr": "Pause déjeuner", "en": "Lunch break"}


def _shift_today(world: World) -> str:
    """A shift for lille0 from this hour (Lille's time), with a lunch break an hour later;
    returns the shift's local start as the page shows it (HH:MM)."""
    agent = world.agents["lille0"]
    zone = zoneinfo.ZoneInfo(world.lille.time_zone)
    start = timezone.now().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    schedule = Schedule.objects.create(
        week_start=start.date(),
        starts_at=start,
        status="optimal",
        objective=0,
        bound=0,
        gap_pct=0,
        seconds=0.1,
        created_at=timezone.now(),
    )
    schedule.sites.set([world.lille])
    lunch = start + dt.timedelta(hours=1)
    ScheduledShift.objects.create(
        schedule=schedule,
        agent=agent,
        site=world.lille,
        start=start,
        end=start + dt.timedelta(hours=8),
        breaks=[
            {
                "name": "lunch",
                "start": lunch.astimezone(dt.UTC).isoformat(),
                "end": (lunch + dt.timedelta(minutes=45)).astimezone(dt.UTC).isoformat(),
                "paid": False,
            }
        ],
    )
    return f"{start:%H}:00"


def _desktop(contexts: Any, base: str, world: World, language: str) -> Any:
    user = world.agents["lille0"].user
    user.language = language  # the page speaks the agent's saved language
    user.save()
    page = contexts(language).new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    return page


def _until(check: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the record never got there"
        time.sleep(0.2)


AVAILABLE = {"fr": "Disponible", "en": "Available"}
COMPLETED = {"fr": "Contact terminé", "en": "Contact completed"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_offer_accepted_by_keyboard_a_transcript_and_a_transfer_to_a_colleague(
    shop: str, world: World, contexts: Any, language: str
) -> None:
    agent = _desktop(contexts, shop, world, language)
    assert_accessible(agent)
    agent.select_option("[data-testid=state]", "available")
    expect(agent.get_by_test_id("presence")).to_have_text(AVAILABLE[language])
    expect(agent.get_by_test_id("state-timer")).to_have_text(re.compile(r"^\d\d:\d\d$"))

    customer = contexts("fr").new_page()
    customer.goto(f"{shop}/demo/boutique/?lang=fr&queue=orders")
    customer.click("[data-testid=chat-open]")
    customer.fill("[data-testid=prechat] input[name=name]", "Jeanne Martin")
    customer.fill("[data-testid=prechat] input[name=email]", "jeanne@example.com")
    customer.fill("[data-testid=prechat] textarea[name=message]", "Où est ma commande ?")
    customer.click("[data-testid=prechat] button[type=submit]")

    offer = agent.get_by_test_id("offer")
    expect(offer).to_be_visible()
    expect(agent.locator("#desk-shortcuts")).to_be_visible()  # the shortcuts, said on screen
    assert_accessible(agent)
    if language == "fr":
        offer.focus()
        agent.keyboard.press("Enter")
    else:  # the only offer: A accepts it wherever the focus is, unless in a field
        agent.evaluate("document.activeElement.blur()")
        agent.keyboard.press("a")
    expect(agent.get_by_test_id("tab")).to_have_count(1)
    expect(offer).to_have_count(0)
    # the wrap-up waits for the end of the conversation
    expect(agent.get_by_test_id("wrap-up-form")).to_be_hidden()

    # the previous contact opens to its transcript
    agent.get_by_test_id("previous").first.click()
    dialog = agent.get_by_test_id("transcript")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("transcript-message")).to_contain_text("jamais arrivé")
    expect(dialog.get_by_test_id("transcript-event")).to_contain_text(COMPLETED[language])
    assert_accessible(agent)
    agent.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # a colleague with the skill becomes available: transferred to them by name
    colleague = world.agents["lille1"]
    desk_open(colleague)
    interactions.agent_login(actor=colleague.user, agent=colleague)
    target = agent.get_by_test_id("transfer-target")
    target.focus()  # the list is read again
    expect(target.locator(f"option[value='agent:{colleague.pk}']")).to_have_text("Karim Benali")
    target.select_option(f"agent:{colleague.pk}")
    agent.get_by_test_id("transfer").click()
    expect(agent.get_by_test_id("tab")).to_have_count(0)
    contact = Contact.objects.get(
        customer_reference__in=["jeanne@example.com", "Jeanne Martin"], channel=Channel.CHAT
    )
    _until(lambda: Contact.objects.get(pk=contact.pk).agent_id == colleague.pk)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_broadcast_stays_listed_across_a_reload_until_read(
    shop: str, world: World, contexts: Any, language: str
) -> None:
    _broadcast(world, 41, "Pic d'appels à 14 h : restez disponibles")
    begins = _shift_today(world)
    agent = _desktop(contexts, shop, world, language)
    # the agent's own schedule today, in local time, activities named in their language
    schedule = agent.get_by_test_id("schedule-item")
    expect(schedule.first).to_contain_text(begins)
    expect(agent.get_by_test_id("schedule")).to_contain_text(LUNCH[language])
    item = agent.get_by_test_id("broadcast")
    expect(item).to_contain_text("Pic d'appels")
    assert_accessible(agent)

    agent.reload()
    agent.wait_for_selector("#desk[data-online='1']")
    expect(item).to_contain_text("Pic d'appels")

    item.get_by_test_id("broadcast-read").click()
    expect(item).to_have_count(0)
    _until(lambda: BroadcastRead.objects.filter(broadcast_id=41).exists())
    agent.reload()
    agent.wait_for_selector("#desk[data-online='1']")
    expect(agent.locator("#desk-broadcasts-none")).to_be_visible()
    assert_accessible(agent)
