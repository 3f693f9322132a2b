"""Drawing the contacts to evaluate: k per agent per period, at random, spread over strata.

Each agent's contacts are split by stratum (the partner and the queue that handled them); the
k draws are shared between strata in proportion to their contacts (largest remainders, ties by
stratum), then drawn at random within each. The same candidates and seed always give the same
sample, whatever order the candidates come in.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SampleCandidate:
    agent_id: int
    stratum: tuple[Hashable, ...]
    contact_id: int


def _shares(sizes: dict[tuple[Hashable, ...], int], k: int) -> dict[tuple[Hashable, ...], int]:
    """k split over strata in proportion to their sizes, none above its size."""
    total = sum(sizes.values())
    if total <= k:
        return dict(sizes)
    exact = {stratum: k * size / total for stratum, size in sizes.items()}
    shares = {stratum: int(value) for stratum, value in exact.items()}
    left = k - sum(shares.values())
    by_remainder = sorted(exact, key=lambda s: (-(exact[s] - shares[s]), repr(s)))
    for stratum in by_remainder[:left]:
        shares[stratum] += 1
    return shares


def draw_sample(
    candidates: Iterable[SampleCandidate], *, per_agent: int, seed: int
) -> list[SampleCandidate]:
    """Up to `per_agent` contacts of each agent, stratified and random, reproducible by `seed`."""
    if per_agent < 1:
        raise ValueError("per_agent must be at least 1")
    by_agent: dict[int, dict[tuple[Hashable, ...], list[SampleCandidate]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for candidate in sorted(candidates):
        by_agent[candidate.agent_id][candidate.stratum].append(candidate)
    drawn: list[SampleCandidate] = []
    for agent_id in sorted(by_agent):
        strata = by_agent[agent_id]
        rng = random.Random(f"{seed}:{agent_id}")  # noqa: S311 - a sample, not a secret
        shares = _shares({s: len(c) for s, c in strata.items()}, per_agent)
        for stratum in sorted(strata, key=repr):
            drawn += sorted(rng.sample(strata[stratum], shares[stratum]))
    return drawn
