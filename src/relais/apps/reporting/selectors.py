"""Reports over the interval statistics, through the viewer's scope.

Administrators, directors, planners and quality analysts see everything; a partner manager
the contacts answered by their partner's agents and those agents' time; a supervisor the
same for their teams. Contacts nobody answered (abandoned, still waiting) belong to no
partner or team: only the whole-organisation roles see them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from relais.apps.organisation.models import Agent, Partner, Site, SiteKind, Team
from relais.apps.organisation.scoping import Scope, scope_for
from relais.apps.reporting.models import IntervalStat
from relais.apps.reporting.stats import summary_of
from relais.apps.routing.models import Queue
from relais.core.kpi import KpiSummary

PERIODS = ("day", "week", "month")
GROUPS = ("queue", "channel", "site", "site_kind", "partner", "team", "agent")
FILTERS = GROUPS


def may_see_reports(viewer: Any) -> bool:
    scope = scope_for(viewer)
    return scope.everything or scope.partner_id is not None or bool(scope.team_ids)


def scope_filter(scope: Scope) -> Q:
    if scope.everything:
        return Q()
    if scope.partner_id is not None:
        return Q(partner_id=scope.partner_id)
    if scope.team_ids:
        return Q(team_id__in=scope.team_ids)
    return Q(pk__in=[])


@dataclass(frozen=True)
class ReportQuery:
    start: dt.date
    end: dt.date  # inclusive
    period: str = "day"
    group_by: str | None = None
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportRow:
    period: dt.date
    group: str | None
    label: str
    summary: KpiSummary


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _bounds(query: ReportQuery) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone()
    start = dt.datetime.combine(query.start, dt.time(), zone)
    end = dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time(), zone)
    return start, end


def period_of(moment: dt.datetime, period: str) -> dt.date:
    day = moment.astimezone(_zone()).date()
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _filter(name: str, value: str) -> Q:
    if name in ("channel", "site_kind"):
        return Q(**{name: value})
    if name == "queue":
        return Q(queue__code=value) if not value.isdigit() else Q(queue_id=int(value))
    return Q(**{f"{name}_id": int(value)}) if value.isdigit() else Q(pk__in=[])


def stat_rows(*, viewer: Any, query: ReportQuery) -> QuerySet[IntervalStat]:
    start, end = _bounds(query)
    rows = IntervalStat.objects.filter(
        scope_filter(scope_for(viewer)), interval_start__gte=start, interval_start__lt=end
    )
    for name, value in query.filters.items():
        if name in FILTERS and value:
            rows = rows.filter(_filter(name, value))
    if any(name in ("queue", "channel") and value for name, value in query.filters.items()):
        rows = rows.exclude(queue__isnull=True)  # agents' time has no queue or channel
    return rows


def _labels(group_by: str) -> dict[str, str]:
    if group_by == "queue":
        return {str(q.pk): q.label for q in Queue.objects.all()}
    if group_by == "site":
        return {str(pk): name for pk, name in Site.objects.values_list("pk", "name")}
    if group_by == "partner":
        return {str(pk): name for pk, name in Partner.objects.values_list("pk", "name")}
    if group_by == "team":
        return {str(pk): name for pk, name in Team.objects.values_list("pk", "name")}
    if group_by == "agent":
        return {
            str(a.pk): a.user.get_full_name() or a.user.username
            for a in Agent.objects.select_related("user")
        }
    if group_by == "site_kind":
        return {str(value): str(label) for value, label in SiteKind.choices}
    return {}


def _group_value(row: IntervalStat, group_by: str) -> str | None:
    if group_by in ("channel", "site_kind"):
        value = getattr(row, group_by)
        return value or None
    value = getattr(row, f"{group_by}_id")
    return None if value is None else str(value)


def report(*, viewer: Any, query: ReportQuery) -> list[ReportRow]:
    """One row per period (and group), every KPI from the merged interval counters."""
    rows = stat_rows(viewer=viewer, query=query)
    buckets: dict[tuple[dt.date, str | None], list[IntervalStat]] = defaultdict(list)
    group_by = query.group_by if query.group_by in GROUPS else None
    for row in rows:
        group = _group_value(row, group_by) if group_by else None
        if group_by and group is None and row.queue_id is None:
            continue  # agents' time has no queue or channel
        buckets[(period_of(row.interval_start, query.period), group)].append(row)
    labels = _labels(group_by) if group_by else {}
    unassigned = "—"
    result = [
        ReportRow(
            period=period,
            group=group,
            label=labels.get(group, group) if group is not None else unassigned,
            summary=summary_of(items),
        )
        for (period, group), items in buckets.items()
    ]
    return sorted(result, key=lambda r: (r.period, r.group is None, r.label))


def site_kind_comparison(*, viewer: Any, query: ReportQuery) -> dict[str, KpiSummary]:
    """Inshore, offshore and homeshore side by side over the whole query."""
    rows = stat_rows(viewer=viewer, query=query)
    merged: dict[str, list[IntervalStat]] = {kind: [] for kind in SiteKind.values}
    for row in rows:
        if row.site_kind in merged:
            merged[row.site_kind].append(row)
    return {kind: summary_of(items) for kind, items in merged.items()}
