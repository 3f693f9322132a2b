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


#: Where a price came from (the run's summary, "prices").
PRICE_ORIGINS: dict[str, Promise] = {
    "scenario": _("scenario file"),
    "contract": _("contract %(reference)s"),
    "loaded_cost": _("loaded cost from %(reference)s"),
}
_COST_DIMENSIONS = ("group", "partner")


def _group_name(dimension: str, value: str) -> str:
    if dimension == "total":
        return str(DIMENSION_LABELS["total"])
    if dimension == "partner" and value == "internal":
        return str(_("Own sites"))
    if dimension in _COST_DIMENSIONS:
        return f"{DIMENSION_LABELS[dimension]} {value}"
    return value


def cost_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Cost and cost per handled contact per agent group and per partner (priced groups)."""
    rows = []
    for dimension in _COST_DIMENSIONS:
        for view in summary.get("views", []):
            if view["dimension"] != dimension or "cost" not in view["metrics"]:
                continue
            rows.append(
                {
                    "group": _group_name(dimension, view["value"]),
                    "cost": _figure("cost", view["metrics"].get("cost")),
                    "per_handled": _figure(
                        "cost_per_handled", view["metrics"].get("cost_per_handled")
                    ),
                }
            )
    return rows


def price_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The prices the run used, each with where it came from, in the reader's language."""
    return [
        {**price, "source": PRICE_ORIGINS[price["origin"]] % {"reference": price["reference"]}}
        for price in summary.get("prices", [])
        if price.get("origin") in PRICE_ORIGINS
    ]


def _compared(view: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    if view["dimension"] in {"total", "queue"}:
        return _shown(summary)
    if view["dimension"] in _COST_DIMENSIONS:
        first = _view(summary, view["dimension"], view["value"])
        second = _view(summary.get("against", {}), view["dimension"], view["value"])
        return [metric for metric in HEADLINE if metric in COSTS and (first | second).get(metric)]
    return []


def difference_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Total and queues, and the cost of each priced group and partner: A, B and the paired
    difference B − A with its 95 % CI."""
    rows = []
    for view in summary.get("differences", []):
        first = _view(summary, view["dimension"], view["value"])
        second = _view(summary.get("against", {}), view["dimension"], view["value"])
        for metric in _compared(view, summary):
            rows.append(
                {
                    "group": _group_name(view["dimension"], view["value"]),
                    "label": METRIC_LABELS[metric],
                    "first": _figure(metric, first.get(metric)),
                    "second": _figure(metric, second.get(metric)),
                    "difference": _figure(metric, view["metrics"].get(metric)),
                }
            )
    return rows
