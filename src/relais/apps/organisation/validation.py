"""Checks shared by the organisation's services; each failure is a `RelaisError`."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from relais.apps.errors import RelaisError
from relais.apps.organisation.errors import ErrorCode
from relais.apps.organisation.models import MAX_CAPACITY
from relais.core.places import is_country_code, is_time_zone

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def check_country(code: str) -> str:
    if not is_country_code(code):
        raise RelaisError(ErrorCode.UNKNOWN_COUNTRY, value=code)
    return code


def check_time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise RelaisError(ErrorCode.UNKNOWN_TIME_ZONE, value=name)
    return name


def check_capacities(fields: Mapping[str, Any]) -> None:
    for channel, maximum in MAX_CAPACITY.items():
        value = fields.get(f"capacity_{channel}")
        if value is not None and not 0 <= value <= maximum:
            raise RelaisError(ErrorCode.INVALID_CAPACITY, channel=channel, maximum=maximum)


def check_skill_levels(levels: Iterable[tuple[str, int]]) -> dict[str, int]:
    by_code: dict[str, int] = {}
    for code, level in levels:
        if code in by_code:
            raise RelaisError(ErrorCode.DUPLICATE_SKILL, value=code)
        if not 1 <= level <= 5:
            raise RelaisError(ErrorCode.INVALID_SKILL_LEVEL, skill=code, level=level)
        by_code[code] = level
    return by_code


def check_opening_hours(periods: Iterable[Mapping[str, Any]]) -> list[tuple[int, dt.time, dt.time]]:
    """Weekday 0 (Monday) to 6, closing after opening, no overlap on a day."""
    checked = sorted((p["weekday"], p["opens_at"], p["closes_at"]) for p in periods)
    for weekday, opens_at, closes_at in checked:
        if not 0 <= weekday <= 6:
            raise RelaisError(ErrorCode.INVALID_OPENING_HOURS, details=f"weekday {weekday}")
        if closes_at <= opens_at:
            raise RelaisError(
                ErrorCode.INVALID_OPENING_HOURS, details=f"{opens_at:%H:%M}–{closes_at:%H:%M}"
            )
    for (day_a, _, closes_a), (day_b, opens_b, _) in itertools.pairwise(checked):
        if day_a == day_b and opens_b < closes_a:
            raise RelaisError(ErrorCode.INVALID_OPENING_HOURS, details=f"overlap on day {day_a}")
    return checked
