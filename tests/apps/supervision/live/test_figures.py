"""The live board replays the scripted morning (tests/apps/supervision/day.py): every figure
against the hand-computed values, through the event log (poll) and from the record (rebuild)."""

from __future__ import annotations

import pytest

from relais.apps.organisation.scoping import scope_for
from relais.apps.routing.models import Queue
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import snapshot
from relais.apps.supervision.live.frames import LiveFigures
from relais.core.kpi import to_epoch
from tests.apps.conftest import World
from tests.apps.factories import UserFactory
from tests.apps.supervision.day import NOW, play

NOW_S = to_epoch(NOW)
HANDLING = 330 + 210 + 300 + 1180  # busy + wrap-up seconds of the four agents at 08:40
AVAILABLE = 2370 + 990 + 2100 + 1220


def _board() -> LiveBoard:
    board = LiveBoard(clock=lambda: NOW_S)
    board.rebuild()
    return board


def _check_everything(figures: LiveFigures, world: World) -> None:
    total = figures.totals
    assert (total.offered, total.answered, total.abandoned, total.handled) == (7, 4, 2, 3)
    assert total.waiting == 1
    assert total.service_level == pytest.approx(3 / 5)
    assert total.service_level_30m == pytest.approx(2 / 2)
    assert total.average_speed_of_answer == pytest.approx(75 / 4)
    assert total.average_handling_time == pytest.approx(840 / 3)
    assert total.abandonment_rate == pytest.approx(2 / 6)
    assert total.longest_wait_seconds == pytest.approx(300)
    assert total.oldest_waiting_seconds == pytest.approx(300)
    assert total.occupancy == pytest.approx(HANDLING / (HANDLING + AVAILABLE))
    assert total.agents_by_state == {"available": 2, "busy": 1, "break": 1}
    (orders,) = figures.rows["queue"]
    assert (orders.key, orders.offered, orders.service_level_target) == ("orders", 7, 0.8)
    kinds = {row.key: row for row in figures.rows["site_kind"]}
    assert kinds["offshore"].service_level == pytest.approx(1 / 2)
    assert kinds["inshore"].average_handling_time == pytest.approx(330)
    assert kinds["homeshore"].occupancy == pytest.approx(1180 / 2400)
    agents = {row.key: row for row in figures.agents}
    rabat0 = agents[str(world.agents["rabat0"].pk)]
    assert (rabat0.state, rabat0.reason, rabat0.seconds_in_state) == ("break", "prayer", 1800)
    assert rabat0.occupancy == pytest.approx(210 / 1200)
    alerts = {(a.kind, a.key) for a in figures.alerts}
    # SL is 60 % today but 100 % over the last 30 minutes, which the alert watches
    assert alerts == {("waiting", "orders"), ("break", str(world.agents["rabat0"].pk))}
    chart = figures.chart
    assert len(chart.intervals) == 4 * 9 + 3  # 00:00 to 09:30 Paris (08:30 UTC)
    assert chart.intervals[-1] == NOW.replace(minute=30)
    assert chart.answered["inshore"][-3:] == [1, 0, 0]
    assert chart.answered["offshore"][-3:] == [2, 0, 0]  # c5 arrived 08:14:50
    assert chart.answered["homeshore"][-3:] == [0, 1, 0]
    assert chart.service_level["offshore"][-3:] == [0.5, None, None]
    assert chart.unanswered[-3:] == [1, 0, 2]  # c4; c8 and the waiting c7 (c3: short)
    assert sum(chart.answered["inshore"]) == 1


def test_live_figures_from_the_event_log_match_the_hand_computed_day(
    world: World, queue: Queue
) -> None:
    board = _board()  # empty record
    play(world, queue)

    assert board.poll()
    figures = snapshot(board, scope_for(world.users["director"]), NOW_S)

    _check_everything(figures, world)


def test_a_rebuild_from_the_record_gives_the_same_figures(world: World, queue: Queue) -> None:
    play(world, queue)
    polled = LiveBoard(clock=lambda: NOW_S)
    polled.rebuild()

    director = scope_for(world.users["director"])
    _check_everything(snapshot(_board(), director, NOW_S), world)
    assert snapshot(polled, director, NOW_S) == snapshot(_board(), director, NOW_S)


def test_a_partner_manager_of_carpathia_sees_only_carpathia(world: World, queue: Queue) -> None:
    play(world, queue)
    manager = UserFactory(role="partner_manager", partner=world.carpathia)

    figures = snapshot(_board(), scope_for(manager), NOW_S)

    bucarest0 = str(world.agents["bucarest0"].pk)
    assert [a.key for a in figures.agents] == [bucarest0]
    assert [r.key for r in figures.rows["partner"]] == [str(world.carpathia.pk)]
    assert [r.key for r in figures.rows["site"]] == [str(world.bucarest.pk)]
    assert [r.key for r in figures.rows["team"]] == [str(world.teams["bucarest"].pk)]
    assert [r.key for r in figures.rows["site_kind"]] == ["offshore"]
    (orders,) = figures.rows["queue"]
    assert (orders.offered, orders.answered, orders.abandoned) == (1, 1, 0)
    assert orders.service_level == 1.0
    assert orders.average_handling_time == pytest.approx(300)
    assert (orders.waiting, orders.oldest_waiting_seconds) == (1, pytest.approx(300))  # the line
    assert figures.totals.occupancy == pytest.approx(300 / 2400)
    assert {a.kind for a in figures.alerts} == {"waiting"}  # rabat0's break is not theirs
    assert sum(figures.chart.answered["offshore"]) == 1
    assert sum(figures.chart.unanswered) == 0
    text = figures.model_dump_json()
    for other in ("Rabat", "Lille", "Domicile", "Atlas"):
        assert other not in text
