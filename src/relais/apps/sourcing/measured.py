"""What Relais measured, per site, over a period and a set of queues: the interval statistics
(contacts, agents' time), the survey answers and the FCR judgements, all added up in the
database, one row per site (or per site and day for the hours an internal site is paid by).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from relais.apps.reporting.models import COUNTERS, SECONDS, IntervalStat
from relais.apps.satisfaction.models import FcrJudgement, FcrOutcome, SurveyAnswer
from relais.core.kpi import KpiSummary

#: The unanswered contacts' "site" (abandoned or still waiting: nobody's).
NOBODY = None


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    queue_ids: tuple[int, ...] = ()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.start, dt.time(), self.zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), self.zone)
        return start, end


@dataclass
class Measured:
    """Per site id (None: contacts nobody answered)."""

    contacts: dict[int | None, KpiSummary] = field(default_factory=dict)
    agent_time: dict[int, KpiSummary] = field(default_factory=dict)
    handling_all_queues: dict[int, float] = field(default_factory=dict)
    hours_by_day: dict[int, dict[dt.date, float]] = field(default_factory=dict)
    csat: dict[int, tuple[int, int]] = field(default_factory=dict)
    fcr: dict[int, tuple[int, int]] = field(default_factory=dict)


_SUMS = {name: Sum(name) for name in (*COUNTERS, *SECONDS)}
_HANDLING = ("talk_seconds", "hold_seconds", "wrap_up_seconds")


def _summary(row: dict[str, Any]) -> KpiSummary:
    return KpiSummary(**{name: row[name] or 0 for name in (*COUNTERS, *SECONDS)})


def _dicts(rows: Any) -> list[dict[str, Any]]:
    """Rows of `.values()` (typed by the stubs as the grouped fields only)."""
    return cast(list[dict[str, Any]], list(rows))


def measured(period: Period) -> Measured:
    start, end = period.bounds()
    stats = IntervalStat.objects.filter(interval_start__gte=start, interval_start__lt=end)
    contacts = stats.filter(queue__isnull=False)
    chosen = contacts.filter(queue_id__in=period.queue_ids) if period.queue_ids else contacts
    found = Measured()
    for row in _dicts(chosen.order_by().values("site_id").annotate(**_SUMS)):
        found.contacts[row["site_id"]] = _summary(row)
    for row in _dicts(
        contacts.exclude(site__isnull=True)
        .order_by()
        .values("site_id")
        .annotate(**{name: Sum(name) for name in _HANDLING})
    ):
        found.handling_all_queues[row["site_id"]] = sum(row[name] or 0.0 for name in _HANDLING)
    time = stats.filter(queue__isnull=True, site__isnull=False).order_by()
    for row in _dicts(time.values("site_id").annotate(**_SUMS)):
        found.agent_time[row["site_id"]] = _summary(row)
    hours: dict[int, dict[dt.date, float]] = defaultdict(dict)
    for row in _dicts(
        time.filter(site__partner__isnull=True)
        .annotate(day=TruncDate("interval_start", tzinfo=period.zone))
        .values("site_id", "day")
        .annotate(busy=Sum("handling_state_seconds"), free=Sum("available_seconds"))
    ):
        hours[row["site_id"]][row["day"]] = ((row["busy"] or 0.0) + (row["free"] or 0.0)) / 3600
    found.hours_by_day = dict(hours)
    answers = SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end).exclude(
        agent_csat=None
    )
    judged = FcrJudgement.objects.filter(
        arrived_at__gte=start,
        arrived_at__lt=end,
        outcome__in=(FcrOutcome.RESOLVED, FcrOutcome.REPEAT),
    )
    if period.queue_ids:
        answers = answers.filter(invitation__queue_id__in=period.queue_ids)
        judged = judged.filter(queue_id__in=period.queue_ids)
    for site_id, satisfied, n in (
        answers.order_by()
        .values_list("invitation__site_id")
        .annotate(ok=Count("pk", filter=Q(agent_csat__gte=4)), n=Count("pk"))
    ):
        if site_id is not None:
            found.csat[site_id] = (satisfied, n)
    for site_id, resolved, n in (
        judged.order_by()
        .values_list("site_id")
        .annotate(ok=Count("pk", filter=Q(outcome=FcrOutcome.RESOLVED)), n=Count("pk"))
    ):
        if site_id is not None:
            found.fcr[site_id] = (resolved, n)
    return found
