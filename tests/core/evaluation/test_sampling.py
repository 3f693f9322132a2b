"""Drawing the sample: k per agent, proportional to the strata, reproducible by the seed."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from relais.core.evaluation import SampleCandidate, draw_sample


def _candidates() -> list[SampleCandidate]:
    rows = []
    for agent in (1, 2):
        rows += [SampleCandidate(agent, ("atlas", "orders"), 100 * agent + i) for i in range(30)]
        rows += [SampleCandidate(agent, ("atlas", "billing"), 1000 * agent + i) for i in range(10)]
    rows.append(SampleCandidate(3, ("carpathia", "orders"), 5000))
    return rows


def test_k_per_agent_shared_between_strata_in_proportion() -> None:
    drawn = draw_sample(_candidates(), per_agent=4, seed=7)

    per_agent = Counter(c.agent_id for c in drawn)
    assert per_agent == {1: 4, 2: 4, 3: 1}  # agent 3 had one contact only
    for agent in (1, 2):
        strata = Counter(c.stratum for c in drawn if c.agent_id == agent)
        assert strata == {("atlas", "orders"): 3, ("atlas", "billing"): 1}


def test_the_same_seed_gives_the_same_sample_in_any_order() -> None:
    candidates = _candidates()
    shuffled = candidates[:]
    random.Random(1).shuffle(shuffled)

    first = draw_sample(candidates, per_agent=5, seed=42)

    assert draw_sample(shuffled, per_agent=5, seed=42) == first
    assert draw_sample(candidates, per_agent=5, seed=43) != first
    assert len(set(first)) == len(first)


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="per_agent"):
        draw_sample(_candidates(), per_agent=0, seed=1)
