"""Costs on one basis: internal hours at their loaded cost, partners at their invoice.

An internal site (inshore, or the company's home agents) carries a loaded cost per productive
hour with validity dates (salary and charges, premises, IT, supervision: what one productive
hour costs the company, as a partner bills one). Its cost over a period is the sum, day by day,
of the productive hours (handling + available, the hours the occupancy counts) times the rate
valid that day. A day with hours and no rate leaves the cost unknown: never a silent zero.

A cost that covers more than the compared activity (a partner's invoice covers every queue;
a site's hours serve every queue) is shared by handling time: the compared part gets
cost x its handling seconds / all the handling seconds of whoever the cost is for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["HourlyRate", "SiteCost", "allocate", "rate_on", "site_cost"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class HourlyRate:
    """A loaded cost per productive hour, valid from `start` to `end` (inclusive; None: on)."""

    per_hour: Decimal
    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def rate_on(rates: Iterable[HourlyRate], day: dt.date) -> HourlyRate | None:
    """The rate valid on `day` (the latest starting one if several overlap)."""
    valid = [rate for rate in rates if rate.covers(day)]
    return max(valid, key=lambda rate: rate.start) if valid else None


@dataclass(frozen=True, slots=True)
class SiteCost:
    """A site's cost over a period: None when some day with hours has no rate (`uncovered`)."""

    amount: Decimal | None
    hours: float
    uncovered: tuple[dt.date, ...] = field(default_factory=tuple)


def site_cost(hours_by_day: Mapping[dt.date, float], rates: Iterable[HourlyRate]) -> SiteCost:
    """Productive hours of each day times that day's rate, rounded to the cent."""
    known = list(rates)
    total = Decimal(0)
    uncovered = []
    for day in sorted(hours_by_day):
        hours = hours_by_day[day]
        if hours <= 0:
            continue
        rate = rate_on(known, day)
        if rate is None:
            uncovered.append(day)
            continue
        total += Decimal(str(round(hours, 6))) * rate.per_hour
    amount = None if uncovered else total.quantize(CENT)
    return SiteCost(amount, sum(hours_by_day.values()), tuple(uncovered))


def allocate(cost: Decimal | None, part: float, whole: float) -> Decimal | None:
    """The share of `cost` of an activity that used `part` of `whole` handling seconds, to the
    cent; all of it when the whole is the part (or there is no handling to share by)."""
    if cost is None:
        return None
    if whole <= 0 or part >= whole:
        return cost
    if part <= 0:
        return Decimal(0)
    return (cost * Decimal(repr(part)) / Decimal(repr(whole))).quantize(CENT)
