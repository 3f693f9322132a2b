"""The league's reads: the tally of the judgements per cell and month (`FcrTally`, kept by
the database's triggers) always equals the judgements counted again, whatever wrote them; the
league's count over it equals the judgements counted over any period; the answers and the
weekly trend read in one scan equal their two ORM reads."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from relais.apps.interactions.models import Contact
from relais.apps.satisfaction import league as satisfaction_league
from relais.apps.satisfaction import services
from relais.apps.satisfaction.league import LeagueQuery
from relais.apps.satisfaction.models import FcrJudgement, FcrOutcome, FcrTally
from relais.apps.satisfaction.queries import (
    answers_and_weeks,
    counted_per_cell,
    judgements_counted,
    whole_months,
)
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled
from tests.apps.satisfaction.test_league import _year

pytestmark = pytest.mark.django_db

_COUNTS = satisfaction_league._FCR_COUNTS
_FIELDS = (*satisfaction_league._GROUP_FIELDS, *satisfaction_league._STRATUM_FIELDS)


def _tally() -> dict[tuple[Any, ...], tuple[int, ...]]:
    return {
        (cell, month): tuple(counts)
        for cell, month, *counts in FcrTally.objects.values_list("cell", "month", *_COUNTS)
    }


def _recounted() -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The judgements counted per cell and UTC month as the league counts them."""
    rows = (
        FcrJudgement.objects.annotate(month=TruncMonth("arrived_at", tzinfo=dt.UTC))
        .order_by()
        .values("cell_id", "month")
        .annotate(**_COUNTS)
        .values_list("cell_id", "month", *_COUNTS)
    )
    found = {}
    for cell, month, *counts in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        found[cell, day] = tuple(counts)
    return found


def test_the_tally_follows_every_write_of_the_judgements(world: World) -> None:
    # given judgements written in bulk (no service: the triggers see them anyway)
    queue = orders_queue(world)
    _year(world, queue, contacts=400, answers=0)
    assert _tally() == _recounted()
    assert sum(counts[0] for counts in _tally().values()) == 400
    # when outcomes change, judgements move to another month and another cell, some go
    rng = random.Random(3)
    picked = list(FcrJudgement.objects.order_by("pk").values_list("pk", flat=True))
    FcrJudgement.objects.filter(pk__in=picked[:50]).update(outcome=FcrOutcome.PENDING)
    FcrJudgement.objects.filter(pk__in=picked[50:80]).update(
        arrived_at=F("arrived_at") - dt.timedelta(days=40)
    )
    other = FcrJudgement.objects.get(pk=picked[0]).cell_id
    FcrJudgement.objects.filter(pk__in=picked[80:100]).update(cell_id=other)
    for judgement in FcrJudgement.objects.filter(pk__in=rng.sample(picked[100:], 20)):
        judgement.outcome = FcrOutcome.RESOLVED
        judgement.save()
    FcrJudgement.objects.filter(pk__in=picked[200:260]).delete()
    gone = FcrJudgement.objects.filter(pk__in=picked[260:270]).values("contact_id")
    Contact.objects.filter(pk__in=gone).delete()  # their judgements go with them
    # then the tally is the judgements counted again, with no empty row left
    assert _tally() == _recounted()
    assert all(counts[0] > 0 for counts in _tally().values())
    # when every judgement is gone, nothing is left in the tally either
    FcrJudgement.objects.all().delete()
    assert _tally() == {}


def test_the_tally_follows_the_recomputation_run_twice(world: World) -> None:
    # given contacts handled over three months, some by the same customer about the same order
    queue = orders_queue(world)
    now = timezone.now()
    agents = list(world.agents.values())
    for index in range(60):
        handled(
            queue,
            [agents[index % len(agents)]],
            at=now - dt.timedelta(days=index * 1.5, hours=index % 7),
            customer_key=f"email:{index % 20}@exemple.fr" if index % 4 else "",
            order=str(index % 9),
        )
    # when FCR is judged, then judged again later (outcomes change, cells are renumbered)
    services.fcr_recompute(window_days=7, as_of=now)
    assert _tally() == _recounted()
    first = _tally()
    services.fcr_recompute(window_days=7, as_of=now + dt.timedelta(days=10))
    # then the tally is each time the judgements counted again
    assert _tally() == _recounted()
    assert _tally() != first
    assert sum(counts[0] for counts in _tally().values()) == 60


@pytest.mark.parametrize(
    ("start_days", "end_days", "months"),
    [(95, 0, True), (90, 3, True), (40, 39, False), (12, 2, False), (200, 0, True)],
)
def test_the_league_reads_over_the_tally_equal_the_judgements_counted(
    world: World, start_days: int, end_days: int, months: bool
) -> None:
    # given judgements over two months and a period of any length, whole months or not
    queue = orders_queue(world)
    _year(world, queue, contacts=500, answers=0)
    now = timezone.now()
    start, end = now - dt.timedelta(days=start_days), now - dt.timedelta(days=end_days)
    # when the league counts them per cell, whole months from the tally
    found = judgements_counted(start, end, _FIELDS, _COUNTS)
    # then it finds what counting every judgement of the period gives
    judged = FcrJudgement.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
    assert Counter(found) == Counter(counted_per_cell(judged, _FIELDS, _COUNTS))
    assert (whole_months(start, end) is not None) is months


def test_whole_months_are_those_inside_the_period() -> None:
    utc, paris = dt.UTC, dt.timezone(dt.timedelta(hours=1))

    def at(year: int, month: int, day: int, zone: dt.tzinfo = utc) -> dt.datetime:
        return dt.datetime(year, month, day, tzinfo=zone)

    # a period from a month's first instant takes that month
    assert whole_months(at(2026, 1, 1), at(2026, 3, 5)) == (at(2026, 1, 1), at(2026, 3, 1))
    # local midnight on the 1st is the evening before in UTC: that month is taken, the one
    # ending at local midnight is not (its last hour is outside)
    assert whole_months(at(2026, 2, 1, paris), at(2026, 4, 1, paris)) == (
        at(2026, 2, 1),
        at(2026, 3, 1),
    )
    # no whole month inside
    assert whole_months(at(2026, 1, 3), at(2026, 2, 20)) is None
    # across the new year
    assert whole_months(at(2025, 11, 15), at(2026, 1, 2)) == (at(2025, 12, 1), at(2026, 1, 1))


@pytest.mark.pg  # make test-pg (GROUPING SETS are PostgreSQL's; elsewhere two queries)
@pytest.mark.parametrize("level", satisfaction_league.LEVELS)
def test_the_answers_and_weeks_read_at_once_equal_their_orm_reads(world: World, level: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("GROUPING SETS: PostgreSQL only")
    # given answered contacts, some of nobody's, some scores left blank
    queue = orders_queue(world)
    _year(world, queue, contacts=300, answers=250)
    today = timezone.localdate()
    query = LeagueQuery(start=today - dt.timedelta(days=40), end=today, level=level)
    start, end = satisfaction_league._bounds(query)
    # when the answers and the weekly trend are read in one scan
    both = answers_and_weeks(start, end, _FIELDS, satisfaction_league._LEVEL_FIELD[level])
    # then they are what the ORM's two reads give
    assert both is not None
    answers, weeks = both
    assert Counter(answers) == Counter(satisfaction_league.answer_rows(start, end))
    assert Counter(weeks) == Counter(satisfaction_league.trend_rows(query))
    assert len(weeks) > 5
    assert len(answers) > 20


@pytest.mark.pg  # make test-pg (a snapshot exported to a second connection)
@pytest.mark.django_db(transaction=True)
def test_the_judgements_counted_beside_in_the_same_snapshot_give_the_same_league(
    world: World,
) -> None:
    # given a committed year of answers and judgements
    queue = orders_queue(world)
    _year(world, queue, contacts=400, answers=150)
    query = LeagueQuery(
        start=(timezone.now() - dt.timedelta(days=90)).date(),
        end=timezone.now().date(),
        level="agent",
    )
    viewer = world.users["director"]
    # when the league is read with its judgements counted on a second connection (outside any
    # transaction) and in one transaction on one connection
    beside = satisfaction_league.league(viewer=viewer, query=query, all_levels=True)
    with transaction.atomic():
        alone = satisfaction_league.league(viewer=viewer, query=query, all_levels=True)
    # then both give the same tables, coverage and reasons
    assert beside.tables == alone.tables
    assert beside.coverage == alone.coverage
    assert beside.reason_mix == alone.reason_mix
    assert sum(c.handled for c in beside.coverage.values()) > 0
