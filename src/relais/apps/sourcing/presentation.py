"""The comparison page's table and charts (data for static/relais/charts.js), in the active
language: proportions as percentages with their 95 % intervals, durations as mm:ss, costs
with two decimals and the currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relais.apps.l10n import formatting
from relais.apps.sourcing.comparison import REPORTED, Comparison, Line
from relais.core.sourcing.figures import Proportion


def _percent(value: float | None) -> str:
    return formatting.percent(value, 1, language=get_language())


def _proportion(proportion: Proportion) -> dict[str, Any]:
    interval = proportion.interval
    return {
        "value": _percent(proportion.value),
        "interval": ""
        if interval is None
        else f"{_percent(interval[0])} – {_percent(interval[1])}",
        "n": proportion.n,
    }


def _duration(mean: float | None, interval: tuple[float, float] | None) -> dict[str, Any]:
    """A mean duration as mm:ss, with its 95 % interval when its spread is known."""
    return {
        "value": formatting.clock(mean),
        "interval": ""
        if interval is None
        else f"{formatting.clock(interval[0])} – {formatting.clock(interval[1])}",
    }


def _money(value: Decimal | None, currency: str) -> str:
    text = formatting.decimal(value, 2, language=get_language())
    return text if value is None else f"{text}\u00a0{currency}"


def line_cells(line: Line, currency: str) -> dict[str, Any]:
    figures = line.figures
    return {
        "key": line.key,
        "label": line.label,
        "reported": line.source == REPORTED,
        "group": line.group,
        "offered": figures.offered,
        "handled": figures.handled,
        "service_level": _proportion(figures.service_level),
        "average_speed_of_answer": _duration(figures.average_speed_of_answer, figures.asa_interval),
        "abandonment": _proportion(figures.abandonment),
        "csat": _proportion(figures.csat),
        "fcr": _proportion(figures.fcr),
        "average_handling_time": _duration(figures.average_handling_time, figures.aht_interval),
        "occupancy": _percent(figures.occupancy),
        "cost": _money(line.cost, currency),
        "cost_per_handled": _money(line.cost_per_handled, currency),
        "cost_per_resolved": _money(line.cost_per_resolved, currency),
        "notes": line.notes,
    }


def _name(line: Line) -> str:
    return (
        _("%(name)s (reported)") % {"name": line.label} if line.source == REPORTED else line.label
    )


def _points(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _interval_points(proportion: Proportion) -> list[float] | None:
    interval = proportion.interval
    return None if interval is None else [_points(interval[0]), _points(interval[1])]  # type: ignore[list-item]


def quality_chart(comparison: Comparison) -> dict[str, Any]:
    """Service level, CSAT and FCR of every line, each with its 95 % interval as error bars."""
    lines = comparison.lines
    series: list[dict[str, Any]] = []
    for name, measure, colour in (
        (_("Service level"), "service_level", "blue"),
        (_("CSAT"), "csat", "green"),
        (_("FCR"), "fcr", "purple"),
    ):
        proportions = [getattr(line.figures, measure) for line in lines]
        series.append(
            {
                "name": name,
                "type": "bar",
                "color": colour,
                "values": [_points(p.value) for p in proportions],
            }
        )
        series.append(
            {
                "name": _("%(figure)s, 95 %% interval") % {"figure": name},
                "type": "interval",
                "values": [_interval_points(p) for p in proportions],
            }
        )
    return {
        "categories": [_name(line) for line in lines],
        "axes": [{"unit": "percent"}],
        "series": series,
    }


def cost_chart(comparison: Comparison) -> dict[str, Any]:
    """Cost per handled contact and per resolved contact of every line (unknown: no bar)."""
    lines = comparison.lines

    def number(value: Decimal | None) -> float | None:
        return None if value is None else round(float(value), 2)

    return {
        "categories": [_name(line) for line in lines],
        "axes": [{"unit": "decimal"}],
        "series": [
            {
                "name": _("Cost per handled contact"),
                "type": "bar",
                "color": "orange",
                "values": [number(line.cost_per_handled) for line in lines],
            },
            {
                "name": _("Cost per resolved contact"),
                "type": "bar",
                "color": "red",
                "values": [number(line.cost_per_resolved) for line in lines],
            },
        ],
    }
