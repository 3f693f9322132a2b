"""The running server keeps the interval statistics current: the reports show today's
contacts without anyone running `relais stats`."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.reporting.keeper import start_stats_keeper
from relais.apps.reporting.models import StatsCursor
from relais.apps.reporting.selectors import ReportQuery, report
from relais.apps.reporting.stats import stats_update
from relais.apps.routing.models import Queue
from relais.core.kpi import KpiSummary
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def _contact(queue: Queue, queued: dt.datetime, **fields: object) -> None:
    contact = Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=queued,
        queued_at=queued,
        **fields,
    )
    ContactEvent.objects.create(
        at=queued, kind=EventKind.CONTACT_CREATED, contact=contact, queue=queue
    )


def _todays_report(world: World) -> list:
    today = timezone.localdate()
    # from yesterday: a test run just after midnight keeps its contacts of a minute ago
    query = ReportQuery(start=today - dt.timedelta(days=1), end=today)
    return report(viewer=world.users["director"], query=query)


def test_the_server_keeps_todays_report_current(world: World, queue: Queue) -> None:
    # given: in the last minutes an agent logged in, answered and closed one contact; one
    # customer abandoned and one still waits
    now = timezone.now()
    agent = world.agents["lille0"]
    ContactEvent.objects.create(
        at=now - dt.timedelta(minutes=5),
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=agent,
        data={"state": "available", "reason": None},
        by_router=True,
    )
    _contact(
        queue,
        now - dt.timedelta(minutes=4),
        state="closed",
        close_reason="handled",
        offered_at=now - dt.timedelta(minutes=4),
        accepted_at=now - dt.timedelta(minutes=4) + dt.timedelta(seconds=10),
        closed_at=now - dt.timedelta(minutes=2),
        agent=agent,
        site_id=agent.site_id,
    )
    _contact(
        queue,
        now - dt.timedelta(minutes=3),
        state="abandoned",
        abandoned_at=now - dt.timedelta(minutes=2),
    )
    _contact(queue, now - dt.timedelta(minutes=1), state="queued")
    assert _todays_report(world) == []  # nothing computed yet

    # when: the server's keeper runs, as `relais serve` starts it
    keeper = start_stats_keeper(every=0.2)
    try:
        assert keeper.updated.wait(60)
    finally:
        keeper.stop()

    # then: today's report has them, and the agent's time
    summary = sum((row.summary for row in _todays_report(world)), start=KpiSummary())
    assert (summary.offered, summary.answered, summary.handled) == (3, 1, 1)
    assert (summary.abandoned, summary.waiting) == (1, 1)
    assert summary.available_seconds > 0
    page = logged_in(world.users["director"]).get("/reports/").content.decode()
    offered = re.findall(r'data-testid="offered">(\d+)</td>', page)
    assert sum(int(count) for count in offered) == 3


def test_a_lost_desktop_connection_is_not_available_time(world: World, queue: Queue) -> None:
    # given: two agents available from 08:00. Lille's desktop connection drops at 08:05 and
    # stays lost: the router records "disconnected" at 08:10. At 08:10 the router records
    # for Rabat a state these statistics do not know (a newer router's, say)
    start = dt.datetime(2025, 3, 10, 8, tzinfo=dt.UTC)
    lille, rabat = world.agents["lille0"], world.agents["rabat0"]
    for agent in (lille, rabat):
        ContactEvent.objects.create(
            at=start, kind=EventKind.AGENT_LOGGED_IN, agent=agent, data={"break_reason": None}
        )
    ContactEvent.objects.create(
        at=start + dt.timedelta(minutes=5), kind=EventKind.AGENT_CONNECTION_LOST, agent=lille
    )
    for agent, state in ((lille, "disconnected"), (rabat, "on_leave_of_absence")):
        ContactEvent.objects.create(
            at=start + dt.timedelta(minutes=10),
            kind=EventKind.AGENT_STATE_CHANGED,
            agent=agent,
            data={"state": state, "reason": None},
            by_router=True,
        )

    # when: the statistics are brought up to date at 08:15
    stats_update(now=start + dt.timedelta(minutes=15))

    # then: each was available 10 minutes (the lost connection alone changed nothing), then
    # neither available nor on a break
    day = ReportQuery(start=start.date(), end=start.date(), group_by="agent")
    rows = {row.group: row.summary for row in report(viewer=world.users["director"], query=day)}
    for agent in (lille, rabat):
        assert rows[str(agent.pk)].available_seconds == 600
        assert rows[str(agent.pk)].unavailable_seconds == 0


@pytest.mark.pg
def test_one_process_updates_at_a_time(world: World, queue: Queue) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg)")
    # given: another process is updating (it holds the cursor's row)
    StatsCursor.objects.get_or_create(pk=1)
    answers: list[object] = []

    def other_turn() -> None:
        try:
            answers.append(stats_update(wait=False))
        finally:
            connection.close()

    with transaction.atomic():
        StatsCursor.objects.select_for_update().get(pk=1)
        # when: this process's keeper takes its turn meanwhile
        turn = threading.Thread(target=other_turn)
        turn.start()
        turn.join(60)

    # then: it skipped; once the other is done it updates
    assert answers == [None]
    assert stats_update(wait=False) is not None
