"""The demo agents' working days in the state log: in their site's time zone, in the past, in
time order for each agent, skipped by the router, loaded once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.shifts import HISTORY_MARK, SHIFT_HOURS, load_demo_shifts

pytestmark = pytest.mark.django_db


def test_every_agent_works_shifts_in_their_site_time_zone(db: None) -> None:
    load_demo_company()
    load_demo_queues()

    written = load_demo_shifts(days=7)

    assert written > 0
    assert load_demo_shifts(days=7) == 0  # once
    events = ContactEvent.objects.filter(data__source=HISTORY_MARK)
    assert events.count() == written
    assert not events.filter(by_router=False).exists()  # never a request for a live router
    assert events.filter(at__gte=timezone.now()).count() == 0
    rabat = Agent.objects.filter(site__time_zone="Africa/Casablanca").order_by("pk").first()
    assert rabat is not None
    logins = events.filter(agent=rabat, kind=EventKind.AGENT_LOGGED_IN).order_by("id")
    assert 4 <= logins.count() <= 6  # 6 working days in a week, an absence now and then
    for login in logins:
        local = login.at.astimezone(ZoneInfo("Africa/Casablanca"))
        assert local.weekday() != 6
        assert dt.time(7, 50) <= local.time() <= dt.time(13, 15)
    for agent_id in events.values_list("agent_id", flat=True).distinct()[:10]:
        times = list(events.filter(agent_id=agent_id).order_by("id").values_list("at", "kind"))
        assert [at for at, _ in times] == sorted(at for at, _ in times)
        kinds = [kind for _, kind in times]
        assert kinds.count(EventKind.AGENT_LOGGED_IN) == kinds.count(EventKind.AGENT_LOGGED_OUT)
    first_in, first_out = (
        events.filter(agent=rabat, kind=kind).order_by("id").first()
        for kind in (EventKind.AGENT_LOGGED_IN, EventKind.AGENT_LOGGED_OUT)
    )
    assert first_in is not None
    assert first_out is not None
    hours = (first_out.at - first_in.at).total_seconds() / 3600
    assert SHIFT_HOURS - 0.2 <= hours <= SHIFT_HOURS + 0.3

    # and the contacts they handled meanwhile: each while its agent was logged in
    handled = Contact.objects.filter(attributes__source=HISTORY_MARK, agent=rabat)
    assert handled.count() > 5 * logins.count()
    for contact in handled[:50]:
        assert contact.accepted_at is not None
        login = logins.filter(at__lte=contact.accepted_at).order_by("-at").first()
        assert login is not None
        assert contact.accepted_at - login.at < dt.timedelta(hours=SHIFT_HOURS, minutes=15)
        assert contact.state == ContactState.CLOSED
        assert contact.queue.skill_levels.exists()
    # and callers who gave up waiting, a few in a hundred
    gave_up = Contact.objects.filter(attributes__source=HISTORY_MARK, state=ContactState.ABANDONED)
    share = gave_up.count() / Contact.objects.filter(attributes__source=HISTORY_MARK).count()
    assert 0.02 < share < 0.12
    assert not gave_up.filter(abandoned_at=None).exists()
