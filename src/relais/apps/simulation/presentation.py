"""The stored summary as rows for the pages, with translated figure names."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.simulation.summary import COSTS, HEADLINE

RATES = frozenset({"service_level", "abandonment_rate", "occupancy", "in_shift_shrinkage"})
METRIC_LABELS: dict[str, Promise] = {
    "offered": _("Offered"),
    "answered": _("Answered"),
    "abandoned": _("Abandoned"),
    "service_level": _("Service level"),
    "average_speed_of_answer": _("Average speed of answer (s)"),
    "average_handling_time": _("Average handling time (s)"),
    "abandonment_rate": _("Abandonment rate"),
    "occupancy": _("Occupancy"),
    "cost": _("Cost"),
    "cost_per_handled": _("Cost per handled contact"),
}
DIMENSION_LABELS: dict[str, Promise] = {
    "total": _("Total"),
    "queue": _("Queue"),
    "site": _("Site"),
    "site_kind": _("Site kind"),
    "partner": _("Partner"),
    "group": _("Agent group"),
}


def _scaled(metric: str, value: float | None) -> float | None:
    if value is None:
        return None
    return value * 100 if metric in RATES else value


def _figure(metric: str, estimate: dict[str, Any] | None) -> dict[str, Any]:
    estimate = estimate or {}
    mean = _scaled(metric, estimate.get("mean"))
    half = _scaled(metric, estimate.get("half_width"))
    significant = mean is not None and half is not None and abs(mean) > half
    return {"mean": mean, "half_width": half, "percent": metric in RATES, "sig": significant}


def _view(summary: dict[str, Any], dimension: str, value: str, key: str = "views") -> Any:
    for view in summary.get(key, []):
        if view["dimension"] == dimension and view["value"] == value:
            return view["metrics"]
    return {}


def _shown(summary: dict[str, Any]) -> list[str]:
    """The headline figures; costs only when the scenario prices its agent groups."""
    total = _view(summary, "total", "")
    return [metric for metric in HEADLINE if metric not in COSTS or metric in total]


def headline_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    total = _view(summary, "total", "")
    return [
        {"label": METRIC_LABELS[metric], **_figure(metric, total.get(metric))}
        for metric in _shown(summary)
    ]


def difference_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Total and queues: A, B and the paired difference B − A with its 95 % CI."""
    rows = []
    for view in summary.get("differences", []):
        if view["dimension"] not in {"total", "queue"}:
            continue
        first = _view(summary, view["dimension"], view["value"])
        second = _view(summary.get("against", {}), view["dimension"], view["value"])
        for metric in _shown(summary):
            rows.append(
                {
                    "group": DIMENSION_LABELS["total"]
                    if view["dimension"] == "total"
                    else view["value"],
                    "label": METRIC_LABELS[metric],
                    "first": _figure(metric, first.get(metric)),
                    "second": _figure(metric, second.get(metric)),
                    "difference": _figure(metric, view["metrics"].get(metric)),
                }
            )
    return rows
