"""A staffing plan on a site for one local day, for the staffing requests' tests (ORM)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relais.apps.organisation.models import Site
from relais.apps.wfm.models import ForecastRun, StaffingInterval, StaffingPlan

HALF = dt.timedelta(minutes=30)


def nine(day: dt.date) -> dt.datetime:
    """09:00 of ``day`` in the active time zone (the client's: Europe/Paris)."""
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def plan_for(
    site: Site,
    day: dt.date,
    agents: tuple[int, ...] = (3, 2, 4),
    queue: str = "orders",
    first: dt.datetime | None = None,
) -> StaffingPlan:
    """Half-hours from 09:00 on ``day`` (or from ``first``), needing ``agents`` agents each."""
    now = timezone.now()
    first = first or nine(day)
    run = ForecastRun.objects.create(
        site=site,
        queue=queue,
        interval_minutes=30,
        method="seasonal_naive",
        horizon_start=day,
        horizon_end=day,
        created_at=now,
    )
    plan = StaffingPlan.objects.create(
        site=site, forecast=run, model="erlang_c", targets={"service_level": 0.8}, created_at=now
    )
    StaffingInterval.objects.bulk_create(
        StaffingInterval(
            plan=plan,
            start=first + index * HALF,
            volume=10,
            aht_seconds=180,
            required_agents=count,
            scheduled_agents=count + 1,
            service_level=0.8,
            occupancy=0.7,
        )
        for index, count in enumerate(agents)
    )
    return plan
