"""Voice figures with no special case: the scripted morning of tests/apps/supervision/day.py
played on a voice queue gives the wallboard and the day report exactly the figures it gives
on a chat queue, and a call taken by the control API counts on the board like any contact."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from relais.apps.interactions.models import Contact
from relais.apps.organisation.scoping import scope_for
from relais.apps.reporting.selectors import ReportQuery, report
from relais.apps.reporting.stats import intervals_recompute
from relais.apps.routing.models import Channel, Queue
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import snapshot
from relais.apps.voice import control
from relais.core.kpi import to_epoch
from tests.apps.conftest import World
from tests.apps.routing.fixtures import Routing, orders_queue
from tests.apps.supervision.day import DAY, NOW, play
from tests.apps.supervision.live.test_figures import _check_everything
from tests.apps.voice.conftest import DIALLED

NOW_S = to_epoch(NOW)


def board_figures(world: World) -> Any:
    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()
    return snapshot(board, scope_for(world.users["director"]), NOW_S)


def day_report(world: World) -> Any:
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    (day,) = report(viewer=world.users["director"], query=ReportQuery(start=DAY, end=DAY))
    return day.summary


@pytest.mark.parametrize("channel", [Channel.VOICE, Channel.CHAT])
def test_the_wallboard_counts_calls_as_it_counts_chats(world: World, channel: str) -> None:
    play(world, orders_queue(world, channel=channel))

    _check_everything(board_figures(world), world)  # the chat morning's hand-computed figures


def test_the_day_report_of_calls_is_the_day_report_of_chats(world: World) -> None:
    queue = orders_queue(world, channel=Channel.VOICE)
    play(world, queue)
    calls = day_report(world)

    Queue.objects.filter(pk=queue.pk).update(channel=Channel.CHAT)  # the same day, as chats
    Contact.objects.update(channel=Channel.CHAT)
    chats = day_report(world)

    assert (calls.offered, calls.answered, calls.abandoned, calls.handled) == (7, 4, 2, 3)
    assert dataclasses.asdict(calls) == dataclasses.asdict(chats)


def test_a_waiting_call_is_on_the_board(phone: Routing) -> None:
    board = LiveBoard()
    board.rebuild()
    control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    phone.step()

    board.poll()
    figures = snapshot(board, scope_for(phone.world.users["director"]), phone.clock.now())

    (row,) = [r for r in figures.rows["queue"] if r.key == "phone"]
    assert (row.offered, row.waiting) == (1, 1)
