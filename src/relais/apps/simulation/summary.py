"""Results as JSON for the pages and the API: estimates per view, paired differences."""

from __future__ import annotations

from typing import Any

from relais.core.simulation import (
    DIMENSIONS,
    Comparison,
    Estimate,
    Scenario,
    SimulationResult,
    ViewKey,
)

HEADLINE = (
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "average_speed_of_answer",
    "average_handling_time",
    "abandonment_rate",
    "occupancy",
    "cost",
    "cost_per_handled",
)
#: Shown only when the scenario prices its agent groups (docs/simulation.md, "Prices").
COSTS = frozenset({"cost", "cost_per_handled"})


def _estimate(value: Estimate) -> dict[str, Any]:
    return {"mean": value.mean, "half_width": value.half_width, "n": value.n}


def _metrics(result: SimulationResult, view: ViewKey) -> list[str]:
    names: dict[str, None] = {}
    for replication in result.replications:
        names.update(dict.fromkeys(replication.metrics(view)))
    return list(names)


def prices_used(scenario: Scenario) -> list[dict[str, Any]]:
    """Each priced group's prices and where they came from: `origin` scenario (the file),
    contract (`reference`: contract and version) or loaded_cost (`reference`: valid from)."""
    return [
        {
            "group": group.name,
            "site": group.site_id,
            "per_hour": group.price.per_hour,
            "per_handled": group.price.per_handled,
            "per_resolved": group.price.per_resolved,
            "resolved_share": group.price.resolved_share,
            "currency": group.price.currency,
            "origin": str(group.price.origin),
            "reference": group.price.reference,
        }
        for group in scenario.agents
        if group.price is not None
    ]


def result_summary(result: SimulationResult) -> dict[str, Any]:
    """{"name", "replications", "seed", "views": [{dimension, value, metrics: {m: est}}],
    "prices": [...] (`prices_used`)}."""
    views = []
    for dimension in DIMENSIONS:
        for view in result.views(dimension):
            metrics = {
                metric: _estimate(result.estimate(view, metric))
                for metric in _metrics(result, view)
            }
            views.append({"dimension": view[0], "value": view[1], "metrics": metrics})
    return {
        "name": result.scenario.name,
        "replications": len(result.replications),
        "seed": result.scenario.seed,
        "views": views,
        "prices": prices_used(result.scenario),
    }


def comparison_summary(comparison: Comparison) -> dict[str, Any]:
    """Both summaries and the paired differences second − first for the headline figures."""
    differences = []
    for dimension in DIMENSIONS:
        for view in comparison.views(dimension):
            metrics = {
                metric: _estimate(comparison.difference(view, metric)) for metric in HEADLINE
            }
            differences.append({"dimension": view[0], "value": view[1], "metrics": metrics})
    return {
        **result_summary(comparison.first),
        "against": result_summary(comparison.second),
        "differences": differences,
    }
