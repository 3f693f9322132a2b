"""Results as JSON for the pages and the API: estimates per view, paired differences."""

from __future__ import annotations

from typing import Any

from relais.core.simulation import (
    DIMENSIONS,
    Comparison,
    Estimate,
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


def result_summary(result: SimulationResult) -> dict[str, Any]:
    """{"name", "replications", "seed", "views": [{dimension, value, metrics: {m: est}}]}."""
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
