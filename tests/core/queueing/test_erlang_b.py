"""Erlang B: published values, the log-space recurrence against the closed form."""

import math

import numpy as np
import pytest

from relais.core.queueing import (
    blocking_probability,
    erlang_b,
    lines_for_blocking,
    log_erlang_b,
    log_erlang_b_array,
)


def test_published_blocking_probabilities():
    assert blocking_probability(1, 1.0) == pytest.approx(0.5, abs=1e-15)
    assert blocking_probability(2, 1.0) == pytest.approx(0.2, abs=1e-15)


def test_ten_erlangs_at_two_percent_need_seventeen_lines():
    # given 10 erlangs and a 2 % blocking target
    # when sizing the trunk group
    lines = lines_for_blocking(10.0, 0.02)
    # then 17 lines block at most 2 % and 16 do not
    assert lines == 17
    assert blocking_probability(17, 10.0) <= 0.02 < blocking_probability(16, 10.0)


def test_result_carries_load_and_occupancy():
    result = erlang_b(2, 1.0)
    assert result.carried_load == pytest.approx(0.8)
    assert result.occupancy == pytest.approx(0.4)


def test_zero_agents_block_everything_and_zero_load_blocks_nothing():
    assert blocking_probability(0, 3.0) == 1.0
    assert blocking_probability(5, 0.0) == 0.0
    assert lines_for_blocking(0.0, 0.01) == 0


@pytest.mark.parametrize(
    ("agents", "load"),
    [(1, 1.0), (17, 10.0), (3, 2.5), (5, 1e-6), (200, 1e-6), (10, 1000.0), (20_000, 19_000.0)],
)
def test_closed_form_agrees_with_recurrence(agents, load):
    recurrence = log_erlang_b(agents, load)
    closed = float(log_erlang_b_array(np.array([float(agents)]), np.array([load]))[0])
    assert closed == pytest.approx(recurrence, rel=1e-10, abs=1e-12)


def test_tiny_load_stays_in_log_space():
    # (1e-6)^200 / 200! underflows any float; its logarithm does not
    log_b = log_erlang_b(200, 1e-6)
    assert math.isfinite(log_b)
    # B = (A^c / c!) / Σ_{k≤c} A^k / k!, and the sum is 1 + A + A²/2 + …
    expected = 200 * math.log(1e-6) - math.lgamma(201) - math.log1p(1e-6 + 0.5e-12)
    assert log_b == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(("agents", "load"), [(-1, 1.0), (2, -1.0), (2, math.inf)])
def test_bad_input_is_rejected(agents, load):
    with pytest.raises(ValueError, match="must be"):
        blocking_probability(agents, load)


def test_bad_blocking_target_is_rejected():
    with pytest.raises(ValueError, match="max_blocking"):
        lines_for_blocking(10.0, 0.0)
