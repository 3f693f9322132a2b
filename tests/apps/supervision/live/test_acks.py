"""Acknowledging the wallboard's alerts: for the acknowledger's scope only, audited, kept
across reloads (in the record), and a later occurrence shows again."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.accounts.models import Role
from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.organisation.scoping import scope_for
from relais.apps.routing.models import Queue
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.live.acks import acknowledged, alert_acknowledge
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import scope_key, snapshot
from relais.apps.supervision.live.frames import Alert, LiveFigures
from relais.apps.supervision.live.selectors import live_figures
from relais.apps.supervision.models import AlertAcknowledgement
from relais.core.kpi import to_epoch
from tests.apps.conftest import World, logged_in
from tests.apps.factories import UserFactory
from tests.apps.supervision.day import NOW, play


def _alert(figures: LiveFigures, kind: str, key: str) -> Alert:
    (found,) = [a for a in figures.alerts if a.kind == kind and a.key == key]
    return found


def test_an_acknowledgement_holds_for_the_scope_of_who_made_it(world: World, queue: Queue) -> None:
    # given the scripted morning: c7 still waits in orders, far beyond its T
    play(world, queue)
    lille = world.users["supervisor"]
    colleague = UserFactory(username="supervisor.lille2", role=Role.SUPERVISOR)
    world.teams["lille"].supervisors.add(colleague)

    # when the supervisor of Lille acknowledges the wait alert
    ack = alert_acknowledge(actor=lille, kind="waiting", key="orders")

    # then they and their colleague of the same team see it acknowledged, after a reload too
    for viewer in (lille, colleague):
        alert = _alert(live_figures(viewer=viewer), "waiting", "orders")
        assert alert.acknowledged_by == lille.get_full_name()
        assert alert.acknowledged_at == ack.acknowledged_at
    # the director and Atlas's supervisor still see it open: not their acknowledgement
    for other in ("director", "supervisor_atlas"):
        assert (
            _alert(live_figures(viewer=world.users[other]), "waiting", "orders").acknowledged_by
            is None
        )
    # and it is audited
    entry = AuditEntry.objects.get(action="supervision.alert_acknowledge")
    assert entry.actor == lille
    assert entry.changes["kind"] == "waiting"
    assert entry.changes["scope"] == scope_key(scope_for(lille))


def test_an_alert_outside_the_scope_cannot_be_acknowledged(world: World, queue: Queue) -> None:
    # given rabat0's prayer break beyond its plan: an alert for Rabat's viewers only
    play(world, queue)
    rabat0 = str(world.agents["rabat0"].pk)
    assert _alert(live_figures(viewer=world.users["supervisor_atlas"]), "break", rabat0)

    with pytest.raises(RelaisError) as refused:
        alert_acknowledge(actor=world.users["supervisor"], kind="break", key=rabat0)

    assert refused.value.code is ErrorCode.NO_SUCH_ALERT
    assert refused.value.status == 404
    with pytest.raises(RelaisError) as agent:
        alert_acknowledge(actor=world.users["agent"], kind="break", key=rabat0)
    assert agent.value.status == 403
    assert not AlertAcknowledgement.objects.exists()


def test_an_occurrence_that_began_after_the_acknowledgement_shows_again(
    world: World, queue: Queue
) -> None:
    play(world, queue)
    board = LiveBoard(clock=lambda: to_epoch(NOW))
    board.rebuild()
    figures = snapshot(board, scope_for(world.users["director"]), to_epoch(NOW))
    waiting = _alert(figures, "waiting", "orders")
    assert waiting.since == NOW - dt.timedelta(minutes=5) + dt.timedelta(seconds=20)

    def ack_at(moment: dt.datetime) -> None:
        AlertAcknowledgement.objects.create(
            scope="all",
            kind="waiting",
            key="orders",
            subject="Orders",
            since=moment,
            acknowledged_by=world.users["director"],
            acknowledged_at=moment,
        )

    # an acknowledgement of an earlier occurrence (before this one began) does not cover it
    ack_at(waiting.since - dt.timedelta(minutes=1))
    assert _alert(acknowledged(figures, "all"), "waiting", "orders").acknowledged_by is None
    # one made while it lasts does; another scope's does not
    ack_at(waiting.since + dt.timedelta(seconds=30))
    assert (
        _alert(acknowledged(figures, "all"), "waiting", "orders").acknowledged_by
        == world.users["director"].get_full_name()
    )
    assert _alert(acknowledged(figures, "partner-1"), "waiting", "orders").acknowledged_by is None


def test_the_page_acknowledges_by_post_and_answers_json(world: World, queue: Queue) -> None:
    play(world, queue)
    client = logged_in(world.users["supervisor"])

    done = client.post(
        "/supervision/alerts/acknowledge/",
        {"kind": "waiting", "key": "orders"},
        HTTP_ACCEPT="application/json",
    )
    gone = client.post(
        "/supervision/alerts/acknowledge/",
        {"kind": "waiting", "key": "nowhere"},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == world.users["supervisor"].get_full_name()
    assert gone.status_code == 404
    assert gone.json()["code"] == "no_such_alert"
    assert AlertAcknowledgement.objects.count() == 1
