"""Interval statistics of the scripted morning (tests/apps/supervision/day.py): computed from
the record idempotently, and reports by day / week / month against hand-computed values."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.reporting.models import IntervalStat
from relais.apps.reporting.selectors import ReportQuery, report, site_kind_comparison
from relais.apps.reporting.stats import intervals_recompute, stats_update
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.factories import UserFactory
from tests.apps.routing.fixtures import orders_queue
from tests.apps.supervision.day import DAY, NOW, play

HANDLING = 330 + 210 + 300 + 1180
AVAILABLE = 2370 + 990 + 2100 + 1220


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)


def _rows() -> list[tuple[object, ...]]:
    fields = [f.name for f in IntervalStat._meta.fields if f.name != "id"]
    return sorted(IntervalStat.objects.values_list(*fields), key=repr)


def _day(world: World, **kwargs: object) -> list:
    return report(viewer=world.users["director"], query=ReportQuery(start=DAY, end=DAY, **kwargs))


def test_the_day_report_matches_the_hand_computed_morning(world: World, queue: Queue) -> None:
    play(world, queue)
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)

    (day,) = _day(world)

    total = day.summary
    assert day.period == DAY
    assert (total.offered, total.answered, total.abandoned, total.handled) == (7, 4, 2, 3)
    assert (total.short_abandoned, total.waiting) == (1, 1)
    assert total.service_level == pytest.approx(3 / 5)
    assert total.average_speed_of_answer == pytest.approx(75 / 4)
    assert total.average_handling_time == pytest.approx(840 / 3)
    assert total.abandonment_rate == pytest.approx(2 / 6)
    assert total.longest_wait_seconds == pytest.approx(40)  # finished contacts only
    assert total.occupancy == pytest.approx(HANDLING / (HANDLING + AVAILABLE))
    assert total.in_shift_shrinkage == pytest.approx(1800 / (HANDLING + AVAILABLE + 1800))


def test_recomputing_gives_the_same_rows(world: World, queue: Queue) -> None:
    play(world, queue)
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    first = _rows()

    intervals_recompute(NOW - dt.timedelta(hours=1), NOW, now=NOW)
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)

    assert first == _rows()
    eight = IntervalStat.objects.filter(interval_start=NOW.replace(minute=0), queue__isnull=False)
    assert sum(row.offered for row in eight) == 4  # c1, c2, c4 and c5 (arrived 08:14:50)


def test_stats_update_follows_the_event_log(world: World, queue: Queue) -> None:
    play(world, queue)

    stats_update(now=NOW)
    first = _rows()
    stats_update(now=NOW)  # nothing new: the last intervals only, same rows

    assert first == _rows()
    assert _day(world)[0].summary.offered == 7


def test_filters_groups_periods_and_site_kinds(world: World, queue: Queue) -> None:
    play(world, queue)
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)

    by_kind = {row.group: row.summary for row in _day(world, group_by="site_kind")}
    offshore = _day(world, filters={"site_kind": "offshore"})[0].summary
    by_week = _day(world, period="week")
    by_month = _day(world, period="month")
    compared = site_kind_comparison(
        viewer=world.users["director"], query=ReportQuery(start=DAY, end=DAY)
    )
    agent = _day(world, filters={"agent": str(world.agents["home0"].pk)})[0].summary

    assert by_kind["offshore"].service_level == pytest.approx(1 / 2)
    assert by_kind["inshore"].average_handling_time == pytest.approx(330)
    assert by_kind[None].abandoned == 2  # nobody answered them
    assert (offshore.answered, offshore.service_level) == (2, pytest.approx(0.5))
    assert by_week[0].period == DAY  # a Monday
    assert by_month[0].period == DAY.replace(day=1)
    assert by_week[0].summary == by_month[0].summary == _day(world)[0].summary
    assert compared["homeshore"].answered == 1
    assert compared["homeshore"].occupancy == pytest.approx(1180 / 2400)
    assert (agent.answered, agent.handled, agent.occupancy) == (1, 0, pytest.approx(1180 / 2400))


def test_a_partner_manager_of_carpathia_reports_only_carpathia(world: World, queue: Queue) -> None:
    play(world, queue)
    intervals_recompute(NOW - dt.timedelta(hours=12), NOW, now=NOW)
    manager = UserFactory(role="partner_manager", partner=world.carpathia)
    query = ReportQuery(start=DAY, end=DAY, group_by="agent")

    rows = report(viewer=manager, query=query)

    assert [row.group for row in rows] == [str(world.agents["bucarest0"].pk)]
    summary = rows[0].summary
    assert (summary.offered, summary.answered, summary.abandoned) == (1, 1, 0)
    assert summary.occupancy == pytest.approx(300 / 2400)
    assert report(viewer=world.users["agent"], query=query) == []
