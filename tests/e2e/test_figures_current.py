"""In the browser: the reports show today's contacts once the server's keeper has run (nobody
runs `relais stats`), and adherence for a week in progress stops at now."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.reporting.keeper import start_stats_keeper
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.test_adherence import three_days
from tests.e2e.test_roles import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = dt.timedelta(hours=1)


def test_the_reports_show_todays_contacts_without_a_command(
    world: World, new_page: Any, live_server: Any
) -> None:
    # given: a customer queued a minute ago and still waits
    queue = orders_queue(world)
    queued = timezone.now() - dt.timedelta(minutes=1)
    contact = Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=queued,
        queued_at=queued,
        state="queued",
    )
    ContactEvent.objects.create(
        at=queued, kind=EventKind.CONTACT_CREATED, contact=contact, queue=queue
    )

    # when: the server's keeper takes a turn, as `relais serve` runs it
    keeper = start_stats_keeper(every=0.2)
    try:
        assert keeper.updated.wait(60)
    finally:
        keeper.stop()
    page = new_page("en")
    log_in(page, live_server, world.users["director"].username)
    page.goto(f"{live_server.url}/reports/")

    # then: the day's row counts the contact as offered
    row = page.locator("[data-testid=report-row]").last
    day = timezone.localdate(queued).strftime("%d/%m/%Y")  # the director reads French
    expect(row.locator("[data-testid=period]")).to_have_text(day)
    expect(row.locator("[data-testid=offered]")).to_have_text("1")


@pytest.mark.parametrize(
    ("language", "planned"), [("en", "Still planned (min)"), ("fr", "Encore planifié (min)")]
)
def test_adherence_of_a_week_in_progress_stops_at_now(
    world: World, new_page: Any, live_server: Any, language: str, planned: str
) -> None:
    # given: today's shift started 2 h ago and the agent has been available since
    now = timezone.now().replace(microsecond=0)
    schedule, agent = three_days(world, now - 2 * HOUR)
    ContactEvent.objects.create(
        at=now - 2 * HOUR,
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=agent,
        data={"state": "available", "reason": None},
        by_router=True,
    )
    planner = world.users["planner"]
    planner.language = language
    planner.save(update_fields=["language"])
    page = new_page(language)
    log_in(page, live_server, planner.username)

    page.goto(f"{live_server.url}/planning/schedules/{schedule.pk}/adherence/")

    # then: the page says up to when it measures; 2 h worked, not the rest of the week
    expect(page.locator("[data-testid=adherence-in-progress]")).to_be_visible()
    expect(page.locator("[data-testid=adherence-agents] thead")).to_contain_text(planned)
    cells = page.locator("[data-testid=adherence-agent]").first.locator("td")
    expect(cells.nth(3)).to_have_text("120")  # worked (min)
