"""Loaded costs day by day with validity dates, and sharing a cost by handling time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from relais.core.sourcing.costs import HourlyRate, allocate, rate_on, site_cost

NOV = dt.date(2026, 11, 1)
RATES = [
    HourlyRate(Decimal("30.00"), NOV, dt.date(2026, 11, 15)),
    HourlyRate(Decimal("33.00"), dt.date(2026, 11, 16)),
]


def test_each_day_is_priced_at_the_rate_valid_that_day() -> None:
    hours = {dt.date(2026, 11, 15): 10.0, dt.date(2026, 11, 16): 10.0, dt.date(2026, 12, 31): 1.5}

    cost = site_cost(hours, RATES)

    assert cost.amount == Decimal("300.00") + Decimal("330.00") + Decimal("49.50")
    assert cost.hours == 21.5
    assert cost.uncovered == ()


def test_a_day_with_hours_and_no_rate_leaves_the_cost_unknown() -> None:
    hours = {dt.date(2026, 10, 31): 8.0, NOV: 8.0, dt.date(2026, 10, 30): 0.0}

    cost = site_cost(hours, RATES)

    assert cost.amount is None
    assert cost.uncovered == (dt.date(2026, 10, 31),)


def test_the_rate_of_a_day_is_the_one_whose_dates_cover_it() -> None:
    assert rate_on(RATES, dt.date(2026, 11, 15)) == RATES[0]
    assert rate_on(RATES, dt.date(2027, 6, 1)) == RATES[1]
    assert rate_on(RATES, dt.date(2026, 10, 31)) is None


def test_a_cost_is_shared_by_handling_time() -> None:
    assert allocate(Decimal(900), 100.0, 300.0) == Decimal(300)
    assert allocate(Decimal(900), 300.0, 300.0) == Decimal(900)
    assert allocate(Decimal(900), 0.0, 300.0) == Decimal(0)
    assert allocate(Decimal(900), 0.0, 0.0) == Decimal(900)
    assert allocate(None, 1.0, 2.0) is None
