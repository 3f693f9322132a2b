"""Ramadan periods: computed from the Umm al-Qura calendar (hijridate), overridable per site."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

__all__ = ["hijri_year_of", "ramadan_period", "ramadan_periods"]

_RAMADAN = 9


def hijri_year_of(day: date) -> int:
    """The Hijri (Umm al-Qura) year containing the Gregorian ``day``."""
    try:
        return int(Gregorian(day.year, day.month, day.day).to_hijri().year)
    except (OverflowError, ValueError) as error:
        raise ValueError(f"{day} is outside the Umm al-Qura calendar's range") from error


def ramadan_period(
    hijri_year: int, overrides: Mapping[int, tuple[date, date]] | None = None
) -> tuple[date, date]:
    """First and last day of Ramadan of ``hijri_year`` (both included).

    ``overrides`` (Hijri year -> (first, last)) gives the dates a site actually observed,
    e.g. after moon sighting in Morocco.
    """
    if overrides and hijri_year in overrides:
        first, last = overrides[hijri_year]
        if last < first:
            raise ValueError(f"Ramadan {hijri_year} override ends before it starts")
        return first, last
    try:
        start = Hijri(hijri_year, _RAMADAN, 1).to_gregorian().datetuple()
        after = Hijri(hijri_year, _RAMADAN + 1, 1).to_gregorian().datetuple()
    except (OverflowError, ValueError) as error:
        raise ValueError(f"Hijri year {hijri_year} is outside the supported range") from error
    return date(*start), date(*after) - timedelta(days=1)


def ramadan_periods(
    start: date, end: date, overrides: Mapping[int, tuple[date, date]] | None = None
) -> list[tuple[date, date]]:
    """Every Ramadan period that overlaps the local dates ``start`` … ``end``."""
    periods: list[tuple[date, date]] = []
    for hijri_year in range(hijri_year_of(start) - 1, hijri_year_of(end) + 2):
        first, last = ramadan_period(hijri_year, overrides)
        if first <= end and last >= start:
            periods.append((first, last))
    return periods
