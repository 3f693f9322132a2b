"""The wallboard's alert when contacts wait in a queue that nobody can reach now: no step open,
or no logged-in agent who may serve an open step; it follows the event log."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.scoping import scope_for
from relais.apps.router.services import overflow_step_override
from relais.apps.routing.models import OverflowStep, Queue
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import snapshot
from relais.apps.supervision.live.frames import Alert
from relais.core.kpi import to_epoch
from tests.apps.conftest import World
from tests.apps.supervision.day import NOW, at, play

NOW_S = to_epoch(NOW)


def _alerts(board: LiveBoard, world: World) -> list[Alert]:
    figures = snapshot(board, scope_for(world.users["director"]), NOW_S)
    return [a for a in figures.alerts if a.kind == "unreachable"]


def _bucarest_queue(world: World) -> Queue:
    """A queue served only by the Bucarest site, with one contact waiting since 08:38."""
    queue = Queue.objects.create(code="lamps", name_fr="Lampes", name_en="Lamps", channel="chat")
    step = OverflowStep.objects.create(queue=queue, order=0)
    step.sites.add(world.bucarest)
    waiting = Contact.objects.create(
        channel="chat",
        queue=queue,
        priority=0,
        customer_reference="lamp",
        created_at=at("08:38:00"),
        queued_at=at("08:38:00"),
        state=ContactState.QUEUED,
    )
    ContactEvent.objects.create(
        at=at("08:38:00"),
        kind=EventKind.CONTACT_CREATED,
        contact_id=waiting.pk,
        queue_id=queue.pk,
    )
    return queue


def test_no_alert_while_a_logged_in_agent_of_an_open_step_may_serve(
    world: World, queue: Queue
) -> None:
    # given the scripted morning: one contact waiting in orders, four agents logged in
    play(world, queue)
    _bucarest_queue(world)  # bucarest0 is logged in and available

    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()

    assert _alerts(board, world) == []


def test_the_last_eligible_agent_logging_out_raises_the_alert(world: World, queue: Queue) -> None:
    # given the morning, and the lamps queue that only Bucarest serves
    play(world, queue)
    _bucarest_queue(world)
    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()

    # when bucarest0, the only one of them logged in, logs out
    ContactEvent.objects.create(
        at=at("08:39:00"), kind=EventKind.AGENT_LOGGED_OUT, agent=world.agents["bucarest0"]
    )
    board.poll()

    # then the wallboard says nobody can answer the lamps queue's waiting contact
    assert _alerts(board, world) == [
        Alert(
            kind="unreachable",
            key="lamps",
            subject="Lamps",
            value=1,
            threshold=0,
            since=at("08:38:00"),  # the occurrence began when the contact began to wait
        )
    ]


def test_every_step_closed_by_a_supervisor_raises_the_alert_at_the_next_poll(
    world: World, queue: Queue
) -> None:
    # given the morning (c7 waiting in orders, agents logged in) on a board already built
    play(world, queue)
    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()
    assert _alerts(board, world) == []

    # when a supervisor closes every step of orders now
    for step in OverflowStep.objects.filter(queue=queue):
        overflow_step_override(
            actor=world.users["administrator"], step=step, state="closed", reason="test"
        )
    board.poll()

    # then the alert comes with the next poll, for every scope that sees the queue's line
    (alert,) = _alerts(board, world)
    assert (alert.key, alert.value) == ("orders", 1)
    manager = snapshot(board, scope_for(world.users["partner_manager"]), NOW_S)
    assert [a.key for a in manager.alerts if a.kind == "unreachable"] == ["orders"]


def test_step_hours_closed_now_raise_the_alert(world: World, queue: Queue) -> None:
    # given every step of orders open only on Sundays (NOW is a Monday morning)
    play(world, queue)
    OverflowStep.objects.filter(queue=queue).update(hours="sun 08:00-20:00")

    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()

    assert [a.key for a in _alerts(board, world)] == ["orders"]


def test_the_alert_reads_nothing_from_the_database(world: World, queue: Queue) -> None:
    # given a built board with a waiting contact in a queue nobody can reach
    play(world, queue)
    OverflowStep.objects.filter(queue=queue).update(hours="sun 08:00-20:00")
    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()

    # when a frame is made (as the hub does every quarter of a second when something changed)
    with CaptureQueriesContext(connection) as queries:
        figures = snapshot(board, scope_for(world.users["director"]), NOW_S)

    # then the alert is there and no query was made
    assert "unreachable" in {a.kind for a in figures.alerts}
    assert len(queries) == 0


def test_no_alert_when_nobody_waits(world: World, queue: Queue) -> None:
    # given steps closed now but no contact waiting (the morning's c7 gave up)
    play(world, queue)
    Contact.objects.filter(state=ContactState.QUEUED).update(
        state=ContactState.ABANDONED, abandoned_at=NOW - dt.timedelta(minutes=1)
    )
    OverflowStep.objects.filter(queue=queue).update(hours="sun 08:00-20:00")

    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()

    assert _alerts(board, world) == []
