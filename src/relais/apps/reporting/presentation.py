"""The reports page's tables and charts from the report rows, in the active language.

Charts are data for `static/relais/charts.js` (a `json_script` per chart): categories,
axes by unit (`count`, `percent`) and series; percentages are sent as percent numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from relais.apps.reporting.figures import date_text, page_duration, page_percent
from relais.apps.reporting.selectors import ReportRow
from relais.core.kpi import KpiSummary


def period_label(day: dt.date, period: str) -> str:
    if period == "month":
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return date_text(day)


def _percent_number(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def summary_cells(summary: KpiSummary) -> dict[str, str | int]:
    """The page's figures of one row: counts, `92,4 %`, `mm:ss`."""
    return {
        "offered": summary.offered,
        "answered": summary.answered,
        "abandoned": summary.abandoned,
        "service_level": page_percent(summary.service_level),
        "average_speed_of_answer": page_duration(summary.average_speed_of_answer),
        "average_handling_time": page_duration(summary.average_handling_time),
        "abandonment_rate": page_percent(summary.abandonment_rate),
        "occupancy": page_percent(summary.occupancy),
    }


def table_rows(rows: Sequence[ReportRow], period: str) -> list[dict[str, Any]]:
    return [
        {
            "period": period_label(row.period, period),
            "group": row.label,
            **summary_cells(row.summary),
        }
        for row in rows
    ]


def volume_chart(rows: Sequence[ReportRow], *, period: str, grouped: bool) -> dict[str, Any]:
    """Contacts by period: answered and abandoned with the service level, or offered by group."""
    periods = sorted({row.period for row in rows})
    categories = [period_label(day, period) for day in periods]
    if grouped:
        labels = sorted({row.label for row in rows})
        offered = {(row.period, row.label): row.summary.offered for row in rows}
        return {
            "categories": categories,
            "axes": [{"unit": "count"}],
            "series": [
                {
                    "name": label,
                    "type": "bar",
                    "stack": "offered",
                    "values": [offered.get((day, label), 0) for day in periods],
                }
                for label in labels
            ],
        }
    totals: dict[dt.date, KpiSummary] = {}
    for row in rows:
        totals[row.period] = totals.get(row.period, KpiSummary()) + row.summary
    return {
        "categories": categories,
        "axes": [{"unit": "count"}, {"unit": "percent"}],
        "series": [
            {
                "name": _("Answered"),
                "type": "bar",
                "stack": "contacts",
                "color": "green",
                "values": [totals[day].answered for day in periods],
            },
            {
                "name": _("Abandoned"),
                "type": "bar",
                "stack": "contacts",
                "color": "red",
                "values": [totals[day].abandoned for day in periods],
            },
            {
                "name": _("Service level"),
                "type": "line",
                "axis": 1,
                "color": "blue",
                "values": [_percent_number(totals[day].service_level) for day in periods],
            },
        ],
    }


def comparison_chart(comparison: Sequence[tuple[str, KpiSummary]]) -> dict[str, Any]:
    """Service level, abandonment and occupancy of inshore, offshore and homeshore."""
    figures = (
        (_("Service level"), "service_level", "blue"),
        (_("Abandonment rate"), "abandonment_rate", "red"),
        (_("Occupancy"), "occupancy", "green"),
    )
    return {
        "categories": [label for label, _summary in comparison],
        "axes": [{"unit": "percent"}],
        "series": [
            {
                "name": name,
                "type": "bar",
                "color": color,
                "values": [_percent_number(getattr(s, key)) for _label, s in comparison],
            }
            for name, key, color in figures
        ],
    }
