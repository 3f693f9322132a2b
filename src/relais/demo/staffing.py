"""Today's staffing request to Atlas Contact for the `commandes` queue, and its answer.

The request is made as a planner makes it: a forecast of the queue on Rabat from four weeks
of history (a daily curve, here written by the demo), an Erlang C staffing plan (80 % in
20 s, 30 % shrinkage), published by the demo's planner; Atlas's manager commits one agent
less than requested every third half-hour, so that the page shows deviations from the start
(docs/wfm-staffing-requests.md). Loaded once a day: when today is already requested, a run
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.organisation.models import Site
from relais.apps.wfm import services, staffing_figures
from relais.apps.wfm.models import RequestedInterval
from relais.apps.wfm.staffing_requests import staffing_commitment_save, staffing_request_publish
from relais.demo.company_data import ATLAS

QUEUE = "commandes"
SITE = "Rabat"
HISTORY_DAYS = 28


def history_csv(time_zone: str, today: dt.date) -> str:
    """Every half-hour of the last four weeks (local time): chats from 08:00 to 22:00, with a
    morning and an evening peak; none at night."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day_curve = [2, 4, 6, 8, 9, 9, 8, 7, 6, 6, 7, 8, 8, 7, 6, 6, 7, 8, 9, 8, 6, 5, 4, 3, 2, 2, 1, 1]
    curve = [0] * 16 + day_curve + [0] * 4
    lines = ["start,volume,aht_seconds"]
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        weekend = day.weekday() >= 5
        for slot, volume in enumerate(curve):
            start = dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(
                minutes=30 * slot
            )
            lines.append(f"{start.isoformat()},{volume // 2 if weekend else volume},240")
    return "\n".join(lines) + "\n"


def load_demo_staffing() -> bool:
    """Publish and answer today's request; False when today is already requested."""
    today = timezone.localdate()
    start, end = staffing_figures.day_bounds(today)
    if RequestedInterval.objects.filter(
        version__request__partner__name=ATLAS,
        version__request__queue=QUEUE,
        start__gte=start,
        start__lt=end,
    ).exists():
        return False
    site = Site.objects.get(name=SITE)
    local_today = timezone.localdate(timezone.now(), zoneinfo.ZoneInfo(site.time_zone))
    forecast = services.forecast_run_create(
        actor=None,
        site=site,
        queue=QUEUE,
        history_csv=history_csv(site.time_zone, local_today),
        horizon_start=local_today,
        horizon_days=1,
    )
    plan = services.staffing_plan_create(actor=None, forecast=forecast)
    planner = User.objects.get(username="planificateur")
    version = staffing_request_publish(actor=planner, plan=plan)
    manager = User.objects.get(username="manager.atlas")
    headcounts = {
        row.start: max(0, row.agents - (1 if index % 3 == 2 else 0))
        for index, row in enumerate(version.intervals.order_by("start"))
    }
    staffing_commitment_save(actor=manager, request=version.request, headcounts=headcounts)
    return True
