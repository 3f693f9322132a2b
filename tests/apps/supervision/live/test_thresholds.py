"""The colours of the wallboard's figures against the queue's targets."""

from __future__ import annotations

from relais.apps.organisation.scoping import scope_for
from relais.apps.routing.models import Queue
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import snapshot
from relais.apps.supervision.live.thresholds import (
    Targets,
    abandonment_level,
    levels,
    most_demanding,
    service_level_level,
    wait_level,
)
from relais.core.kpi import to_epoch
from tests.apps.conftest import World
from tests.apps.supervision.day import NOW, play


def test_service_level_is_ok_at_target_warn_within_five_points_bad_below() -> None:
    assert service_level_level(0.80, 0.80) == "ok"
    assert service_level_level(0.76, 0.80) == "warn"
    assert service_level_level(0.74, 0.80) == "bad"
    assert service_level_level(None, 0.80) is None


def test_waiting_is_ok_within_t_warn_within_twice_t_bad_beyond() -> None:
    assert wait_level(0, None, 20) == "ok"
    assert wait_level(3, 20, 20) == "ok"
    assert wait_level(3, 39, 20) == "warn"
    assert wait_level(3, 41, 20) == "bad"


def test_abandonment_is_ok_to_five_percent_warn_to_ten_bad_beyond() -> None:
    assert abandonment_level(0.05) == "ok"
    assert abandonment_level(0.08) == "warn"
    assert abandonment_level(0.11) == "bad"


def test_rows_other_than_a_queue_are_held_to_the_most_demanding_target() -> None:
    assert most_demanding([Targets(0.8, 20), Targets(0.9, 60)]) == Targets(0.9, 20)
    found = levels(
        targets=Targets(0.9, 20),
        service_level=0.85,
        service_level_30m=None,
        waiting=0,
        oldest_waiting_seconds=None,
        abandonment_rate=None,
    )
    assert found == {"service_level": "warn", "waiting": "ok", "oldest_waiting_seconds": "ok"}


def test_the_scripted_morning_s_queue_row_carries_its_levels(world: World, queue: Queue) -> None:
    # orders: T = 20 s, 80 %; at 08:40 c7 has waited 5 minutes; 3 of 6 answered within T
    play(world, queue)
    board = LiveBoard(clock=lambda: to_epoch(NOW))
    board.rebuild()

    figures = snapshot(board, scope_for(world.users["director"]), to_epoch(NOW))

    (orders,) = figures.rows["queue"]
    assert orders.levels["waiting"] == "bad"  # 300 s > 2 T
    assert orders.levels["service_level"] == "bad"
    assert (orders.service_level_target, orders.service_level_seconds) == (0.8, 20.0)
    assert figures.totals.levels["oldest_waiting_seconds"] == "bad"
