"""Run a scenario over its replications: `simulate`, `run_scenario_file`, `SimulationResult`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from relais.core.simulation.confidence import Estimate, estimate
from relais.core.simulation.parsing import load_scenario
from relais.core.simulation.presence import build_staff
from relais.core.simulation.results import ReplicationResult, ViewKey, summarize_replication
from relais.core.simulation.runner import run_replication
from relais.core.simulation.scenario import Scenario

__all__ = ["Progress", "SimulationResult", "run_scenario_file", "simulate"]

type Progress = Callable[[float, str], None]
"""Called with the share done (0..1) and a short note ("replication 3/10")."""


@dataclass(frozen=True, slots=True)
class SimulationResult:
    scenario: Scenario
    replications: tuple[ReplicationResult, ...]

    def values(self, view: ViewKey, metric: str) -> list[float | None]:
        """The metric in each replication (None where it has no value)."""
        return [result.metrics(view).get(metric) for result in self.replications]

    def estimate(self, view: ViewKey, metric: str) -> Estimate:
        return estimate(self.values(view, metric))

    def views(self, dimension: str, *, intervals: bool = False) -> list[ViewKey]:
        """Views of a dimension seen in any replication, sorted (by interval, then value)."""
        found: set[ViewKey] = set()
        for result in self.replications:
            for view in (*result.summaries, *result.extras):
                if view[0] == dimension and (view[2] is not None) == intervals:
                    found.add(view)
        return sorted(found, key=lambda view: (view[2] or 0.0, view[1]))


def simulate(
    scenario: Scenario, *, replications: int | None = None, progress: Progress | None = None
) -> SimulationResult:
    """Every replication of the scenario, in order (replication r uses streams (seed, r))."""
    if replications is not None:
        if replications < 1:
            raise ValueError("at least one replication is needed")
        scenario = replace(scenario, replications=replications)
    staff = build_staff(scenario)
    results: list[ReplicationResult] = []
    total = scenario.replications
    for replication in range(total):
        note = f"replication {replication + 1}/{total}"

        def inner(share: float, replication: int = replication, note: str = note) -> None:
            if progress is not None:
                progress((replication + 0.9 * share) / total, note)

        outcome = run_replication(scenario, replication, staff=staff, progress=inner)
        inner(1.0)
        results.append(summarize_replication(outcome))
        if progress is not None:
            progress((replication + 1) / total, note)
    return SimulationResult(scenario, tuple(results))


def run_scenario_file(
    path: str | Path, *, replications: int | None = None, progress: Progress | None = None
) -> SimulationResult:
    """Load a TOML scenario (ScenarioError on bad input) and simulate it."""
    return simulate(load_scenario(path), replications=replications, progress=progress)
