"""Reports as CSV and XLSX: one row per period (and group), the KPIs as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from relais.apps.reporting.selectors import ReportRow

FIGURES = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "waiting",
    "handled",
    "service_level",
    "average_speed_of_answer",
    "average_handling_time",
    "abandonment_rate",
    "occupancy",
    "in_shift_shrinkage",
    "transfer_rate",
    "longest_wait_seconds",
)


def header() -> list[str]:
    """Stable column names (the KPI names of relais.core.kpi), for spreadsheets and scripts."""
    return ["period", "group", *FIGURES]


def table(rows: Iterable[ReportRow]) -> list[list[object]]:
    result: list[list[object]] = []
    for row in rows:
        kpis = row.summary.kpis()
        values = [kpis[name] for name in FIGURES]
        result.append([row.period.isoformat(), row.label, *values])
    return result


def as_csv(rows: Iterable[ReportRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for line in table(rows):
        writer.writerow(["" if value is None else value for value in line])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows: Iterable[ReportRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("report")
    sheet.append(header())
    for line in table(rows):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
