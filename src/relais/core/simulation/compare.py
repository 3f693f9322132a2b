"""Two scenarios side by side: paired differences over replications (common random numbers).

Replication r of both scenarios draws from the same streams (same seed, same r), so the
difference b − a is taken replication by replication and its confidence interval is far
narrower than the one of two independent estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

from relais.core.simulation.confidence import Estimate, paired_difference
from relais.core.simulation.results import ViewKey
from relais.core.simulation.simulate import SimulationResult

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True, slots=True)
class Comparison:
    first: SimulationResult
    second: SimulationResult

    def difference(self, view: ViewKey, metric: str) -> Estimate:
        """second − first, paired by replication."""
        return paired_difference(self.first.values(view, metric), self.second.values(view, metric))

    def views(self, dimension: str, *, intervals: bool = False) -> list[ViewKey]:
        both = set(self.first.views(dimension, intervals=intervals)) | set(
            self.second.views(dimension, intervals=intervals)
        )
        return sorted(both, key=lambda view: (view[2] or 0.0, view[1]))


def compare(first: SimulationResult, second: SimulationResult) -> Comparison:
    """Pair two results; they must share the seed and the number of replications."""
    if first.scenario.seed != second.scenario.seed:
        raise ValueError(
            f"scenarios {first.scenario.name!r} and {second.scenario.name!r} have different "
            "seeds: common random numbers need the same seed"
        )
    if len(first.replications) != len(second.replications):
        raise ValueError("both scenarios need the same number of replications")
    return Comparison(first, second)
