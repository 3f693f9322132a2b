"""A site's calendar (relais.core.wfm.calendars) from the organisation's Site and its override."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import date

from django.utils.translation import get_language

from relais.apps.organisation.models import Site
from relais.apps.wfm.models import SiteCalendarOverride
from relais.core.wfm.calendars import (
    LocalWindow,
    OpeningHours,
    SiteCalendar,
    SiteCalendarConfig,
    site_calendar,
)
from relais.core.wfm.forecast import HolidayClosure, QueueHistory, forecast_calendar

#: Countries whose sites observe Ramadan unless their override says otherwise.
RAMADAN_COUNTRIES = frozenset({"MA", "TN", "DZ", "EG", "SN", "SA", "AE", "QA", "JO"})


def zoneinfo_of(site: Site) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(site.time_zone)


def _override(site: Site) -> SiteCalendarOverride | None:
    try:
        return site.calendar_override
    except SiteCalendarOverride.DoesNotExist:
        return None


def ramadan_overrides(raw: dict[str, list[str]]) -> dict[int, tuple[date, date]]:
    """``{"1446": ["2025-03-02", "2025-03-30"]}`` as the core wants it; ValueError if bad."""
    parsed: dict[int, tuple[date, date]] = {}
    for year, days in raw.items():
        if not str(year).isdigit() or not isinstance(days, list | tuple) or len(days) != 2:
            raise ValueError(f"{year}: give the Hijri year and [first day, last day]")
        first, last = date.fromisoformat(str(days[0])), date.fromisoformat(str(days[1]))
        if not 27 <= (last - first).days + 1 <= 31:
            raise ValueError(f"{year}: Ramadan lasts 29 or 30 days, not {(last - first).days + 1}")
        parsed[int(year)] = (first, last)
    return parsed


def observes_ramadan(site: Site) -> bool:
    override = _override(site)
    if override is not None and override.observes_ramadan is not None:
        return override.observes_ramadan
    return site.country.upper() in RAMADAN_COUNTRIES


def opening_hours(site: Site) -> OpeningHours:
    weekly: dict[int, list[LocalWindow]] = defaultdict(list)
    for period in site.opening_hours.all():
        weekly[period.weekday].append(LocalWindow(period.opens_at, period.closes_at))
    return OpeningHours({day: tuple(windows) for day, windows in weekly.items()})


def calendar_config(site: Site, *, language: str | None = None) -> SiteCalendarConfig:
    override = _override(site)
    language = (language or get_language() or "fr")[:2]
    return SiteCalendarConfig(
        country=site.country.upper(),
        time_zone=site.time_zone,
        opening_hours=opening_hours(site),
        language=language if language in {"fr", "en"} else "en",
        observes_ramadan=observes_ramadan(site),
        ramadan_overrides=ramadan_overrides(override.ramadan_days) if override else {},
        closed_on_public_holidays=override.closes_on_public_holidays if override else None,
    )


def calendar_of(site: Site, start: date, end: date) -> SiteCalendar:
    """The site's calendar for the local dates ``start`` … ``end``."""
    return site_calendar(calendar_config(site), start, end)


def forecast_calendar_of(
    site: Site, start: date, end: date, history: QueueHistory
) -> tuple[SiteCalendar, tuple[HolidayClosure, ...]]:
    """The site's calendar as a forecast of ``history`` sees it, and each holiday's fate.

    A public holiday is closed only if the site says it closes on public holidays, or if
    the queue's history shows it closed on the latest occurrence of that holiday;
    otherwise it is forecast like a normal day of its weekday.
    """
    return forecast_calendar(calendar_config(site), start, end, history)
