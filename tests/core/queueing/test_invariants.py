"""Hypothesis: probabilities stay in [0, 1] and move the right way with more agents."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.queueing import (
    StaffingTargets,
    erlang_a,
    erlang_c,
    log_erlang_b,
    log_erlang_b_array,
    staff_intervals,
)

loads = st.floats(min_value=1e-6, max_value=20_000.0, allow_nan=False)
agents = st.integers(min_value=1, max_value=20_000)
aht = st.floats(min_value=10.0, max_value=3_600.0)
patience = st.floats(min_value=5.0, max_value=3_600.0)
threshold = st.floats(min_value=0.0, max_value=600.0)


def in_unit_interval(value: float) -> bool:
    return 0.0 <= value <= 1.0


@given(agents, loads, aht, threshold)
def test_erlang_c_probabilities_are_probabilities(c, load, handling, t):
    result = erlang_c(c, load, aht_s=handling, threshold_s=t)
    assert in_unit_interval(result.wait_probability)
    assert in_unit_interval(result.service_level)
    assert in_unit_interval(result.occupancy)
    assert result.stable == (c > load)
    assert result.asa_s >= 0.0
    assert math.isinf(result.asa_s) != result.stable


@given(st.integers(min_value=1, max_value=19_999), loads, aht, threshold)
def test_erlang_c_improves_with_each_agent(c, load, handling, t):
    fewer = erlang_c(c, load, aht_s=handling, threshold_s=t)
    more = erlang_c(c + 1, load, aht_s=handling, threshold_s=t)
    assert more.wait_probability <= fewer.wait_probability + 1e-12
    assert more.service_level >= fewer.service_level - 1e-12
    assert more.asa_s <= fewer.asa_s


@given(agents, loads, aht, patience, threshold)
@settings(deadline=None)
def test_erlang_a_probabilities_are_probabilities(c, load, handling, mean_patience, t):
    result = erlang_a(c, load, aht_s=handling, patience_s=mean_patience, threshold_s=t)
    assert in_unit_interval(result.wait_probability)
    assert in_unit_interval(result.abandonment_probability)
    assert in_unit_interval(result.service_level)
    assert in_unit_interval(result.occupancy)
    assert result.abandonment_probability <= result.wait_probability + 1e-12
    assert result.service_level <= 1.0 - result.abandonment_probability + 1e-9
    assert result.asa_s >= 0.0


@given(st.integers(min_value=1, max_value=19_999), loads, aht, patience, threshold)
@settings(deadline=None)
def test_erlang_a_improves_with_each_agent(c, load, handling, mean_patience, t):
    def figures(n):
        return erlang_a(n, load, aht_s=handling, patience_s=mean_patience, threshold_s=t)

    fewer, more = figures(c), figures(c + 1)
    assert more.wait_probability <= fewer.wait_probability + 1e-12
    assert more.abandonment_probability <= fewer.abandonment_probability + 1e-12
    assert more.service_level >= fewer.service_level - 1e-9


@given(st.integers(min_value=1, max_value=20_000), loads)
@settings(deadline=None, max_examples=50)
def test_erlang_b_closed_form_matches_recurrence(c, load):
    recurrence = log_erlang_b(c, load)
    closed = float(log_erlang_b_array(np.array([float(c)]), np.array([load]))[0])
    assert math.isclose(closed, recurrence, rel_tol=1e-9, abs_tol=1e-11)


def test_twenty_thousand_agents_for_nineteen_thousand_erlangs():
    for t in (0.0, 20.0):
        c = erlang_c(20_000, 19_000.0, aht_s=300, threshold_s=t)
        a = erlang_a(20_000, 19_000.0, aht_s=300, patience_s=120, threshold_s=t)
        for value in (c.wait_probability, c.service_level, a.wait_probability, a.service_level):
            assert math.isfinite(value)
            assert in_unit_interval(value)


@given(
    st.lists(st.floats(min_value=0.0, max_value=5_000.0), min_size=1, max_size=8),
    aht,
    st.floats(min_value=0.05, max_value=0.99),
)
@settings(deadline=None, max_examples=40)
def test_staffing_is_the_smallest_meeting_the_target(volumes, handling, service_level):
    targets = StaffingTargets(service_level=service_level, threshold_s=20)
    staffed = staff_intervals(volumes=volumes, aht_s=handling, targets=targets)
    for volume, count in zip(volumes, staffed.agents, strict=True):
        load = volume * handling / 1800
        if load == 0:
            assert count == 0
            continue
        assert erlang_c(int(count), load, aht_s=handling).service_level >= service_level
        if count - 1 > load:
            below = erlang_c(int(count) - 1, load, aht_s=handling)
            assert below.service_level < service_level
