"""Reads of reported figures, through the viewer's rights (`access.importable_partners`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from relais.apps.sourcing.access import importable_partners
from relais.apps.sourcing.models import ReportedDay, ReportedImport


def reported_day_list(
    *,
    viewer: Any,
    partner_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[ReportedDay]:
    days = ReportedDay.objects.filter(partner__in=importable_partners(viewer)).select_related(
        "partner", "queue"
    )
    if partner_id is not None:
        days = days.filter(partner_id=partner_id)
    if start is not None:
        days = days.filter(day__gte=start)
    if end is not None:
        days = days.filter(day__lte=end)
    return days.order_by("partner__name", "day", "queue__code")


def reported_import_list(*, viewer: Any) -> QuerySet[ReportedImport]:
    return ReportedImport.objects.filter(partner__in=importable_partners(viewer)).select_related(
        "partner", "imported_by"
    )
