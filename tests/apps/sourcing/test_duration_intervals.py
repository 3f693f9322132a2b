"""ASA and AHT with their 95 % intervals on the sourcing comparison: the interval statistics
keep the sums of squares of waits and handling times, the comparison adds them up in the
database and reads the interval of each mean (issue 21)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.urls import reverse

from relais.apps.interactions.models import Contact, ContactState
from relais.apps.l10n.formatting import clock
from relais.apps.reporting.models import IntervalStat
from relais.apps.reporting.stats import intervals_recompute
from relais.apps.routing.models import Queue
from relais.apps.sourcing.comparison import comparison
from relais.apps.sourcing.measured import Period
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.sourcing.making import moment

DAY = dt.date(2026, 11, 3)
#: (wait, talk, wrap-up) seconds of Lille's three contacts, in two different intervals
LILLE = ((10.0, 100.0, 20.0), (20.0, 200.0, 40.0), (60.0, 300.0, 30.0))
Z = 1.959963984540054


def _contact(
    world: World, queue: Queue, arrived: dt.datetime, wait: float, talk: float, wrap: float
) -> None:
    accepted = arrived + dt.timedelta(seconds=wait)
    agent = world.agents["lille0"]
    Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        state=ContactState.CLOSED,
        created_at=arrived,
        queued_at=arrived,
        accepted_at=accepted,
        wrap_up_at=accepted + dt.timedelta(seconds=talk),
        closed_at=accepted + dt.timedelta(seconds=talk + wrap),
        agent=agent,
        site=agent.site,
        partner=None,
    )


def by_hand(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = Z * math.sqrt(variance / n)
    return max(mean - half, 0.0), mean + half


@pytest.fixture
def orders(world: World) -> Queue:
    """Lille's three contacts of LILLE (two at 09:00, one at 11:00) and their statistics."""
    orders = orders_queue(world)
    for hour, (wait, talk, wrap) in zip((9, 9, 11), LILLE, strict=True):
        _contact(world, orders, moment(DAY, hour), wait, talk, wrap)
    intervals_recompute(moment(DAY, 0), moment(DAY + dt.timedelta(days=1), 0))
    return orders


def test_asa_and_aht_intervals_come_from_the_sums_of_squares_kept_per_interval(
    world: World, orders: Queue
) -> None:

    rows = IntervalStat.objects.filter(queue=orders, site=world.lille)
    result = comparison(viewer=world.users["director"], period=Period(DAY, DAY))

    assert rows.count() == 2  # the sums are added up across intervals by the database
    inshore = next(line for line in result.lines if line.key == "kind:inshore").figures
    assert inshore.wait_squares == 10.0**2 + 20.0**2 + 60.0**2
    assert inshore.asa_interval == pytest.approx(by_hand([w for w, _, _ in LILLE]))
    assert inshore.aht_interval == pytest.approx(by_hand([t + r for _, t, r in LILLE]))
    # mean 30 s, s² = ((−20)² + (−10)² + 30²) / 2 = 700: 30 ± 1.96 x sqrt(700 / 3)
    assert inshore.asa_interval == pytest.approx((30 - 29.938, 30 + 29.938), abs=1e-3)


@pytest.mark.usefixtures("orders")
def test_the_page_shows_asa_and_aht_with_their_intervals(world: World) -> None:
    client = logged_in(world.users["director"])

    page = client.get(reverse("sourcing:compare") + f"?start={DAY}&end={DAY}").content.decode()

    low, high = by_hand([t + r for _, t, r in LILLE])  # AHT 230 s ± 119 s
    asa_low, asa_high = by_hand([w for w, _, _ in LILLE])
    assert f"{clock(low)} – {clock(high)}" in page
    assert f"{clock(asa_low)} – {clock(asa_high)}" in page
    assert (clock(low), clock(high)) == ("01:51", "05:49")


def test_a_reported_line_or_statistics_without_squares_have_no_interval() -> None:
    from relais.core.sourcing.figures import LineFigures

    reported = LineFigures(
        wait_seconds=90.0, wait_counted=3, handling_seconds=690.0, handling_counted=3
    )
    constant = LineFigures(wait_seconds=30.0, wait_squares=300.0, wait_counted=3)

    assert reported.asa_interval is None
    assert reported.aht_interval is None
    assert constant.asa_interval == pytest.approx((10.0, 10.0))  # no spread at all
