"""Planning data for the tests, on the `world` of tests/apps/conftest.py: small and fast."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from relais.apps.organisation.models import Site
from relais.apps.wfm.models import (
    ForecastInterval,
    ForecastRun,
    Schedule,
    ScheduledShift,
    StaffingInterval,
    StaffingPlan,
)
from tests.apps.conftest import World
from tests.apps.factories import OpeningHoursFactory

WEEK = dt.date(2025, 6, 2)  # a Monday, far from Ramadan (Morocco keeps UTC+1)
HISTORY_FROM = WEEK - dt.timedelta(days=21)


def open_weekdays(site: Site) -> None:
    """The world's sites open on Mondays 08:00-20:00; open them Tuesday to Friday too."""
    for weekday in range(1, 5):
        OpeningHoursFactory(site=site, weekday=weekday)


def history_csv(
    time_zone: str,
    *,
    volume: float | None = None,
    days: int = 21,
    first: dt.date = HISTORY_FROM,
    aht: float | None = 180.0,
    weekdays: range = range(5),
) -> str:
    """Half-hours 08:00-20:00 local on weekdays; a constant ``volume``, or a daily curve."""
    zone = zoneinfo.ZoneInfo(time_zone)
    lines = ["start,volume,aht_seconds"]
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        for slot in range(24):
            start = dt.datetime.combine(day, dt.time(8), tzinfo=zone) + dt.timedelta(
                minutes=30 * slot
            )
            value = volume if volume is not None else 10 + slot % 12
            lines.append(f"{start.isoformat()},{value},{'' if aht is None else aht}")
    return "\n".join(lines) + "\n"


def planned_site(world: World, site: Site, *, agents: int = 1) -> dict[str, Any]:
    """A forecast, a staffing plan and a schedule with ``agents`` shifts on ``site`` (ORM)."""
    now = timezone.now()
    start = dt.datetime.combine(WEEK, dt.time(8), tzinfo=zoneinfo.ZoneInfo(site.time_zone))
    run = ForecastRun.objects.create(
        site=site,
        queue="orders",
        interval_minutes=30,
        method="seasonal_naive",
        wape=0.1,
        horizon_start=WEEK,
        horizon_end=WEEK,
        created_at=now,
    )
    ForecastInterval.objects.create(run=run, start=start, volume=10, aht_seconds=180)
    plan = StaffingPlan.objects.create(
        site=site, forecast=run, model="erlang_c", targets={"service_level": 0.8}, created_at=now
    )
    StaffingInterval.objects.create(
        plan=plan,
        start=start,
        volume=10,
        aht_seconds=180,
        required_agents=2,
        scheduled_agents=3,
        service_level=0.9,
        occupancy=0.5,
    )
    schedule = Schedule.objects.create(
        week_start=WEEK,
        starts_at=start - dt.timedelta(hours=8),
        status="optimal",
        objective=0,
        bound=0,
        gap_pct=0,
        seconds=0.1,
        created_at=now,
    )
    schedule.sites.set([site])
    shifts = []
    for agent in list(site.agents.order_by("id"))[:agents]:
        shifts.append(
            ScheduledShift.objects.create(
                schedule=schedule,
                agent=agent,
                site=site,
                start=start,
                end=start + dt.timedelta(hours=8),
            )
        )
    return {"run": run, "plan": plan, "schedule": schedule, "shifts": shifts}
