"""Erlang C: the R package ErlangC's published values, instability, extreme sizes."""

import math

import pytest

from relais.core.queueing import erlang_c, offered_load


def test_reference_fourteen_agents():
    # given 100 calls per 30 min with AHT 180 s (10 erlangs) and 14 agents
    load = offered_load(100, 180, 1800)
    # when computing Erlang C with a 20 s threshold
    result = erlang_c(14, load, aht_s=180, threshold_s=20)
    # then the published figures come out
    assert result.stable
    assert round(result.wait_probability, 7) == 0.1741319
    assert round(result.service_level, 5) == 0.88835
    assert round(result.asa_s, 3) == 7.836
    assert round(result.occupancy, 7) == 0.7142857


def test_reference_eleven_agents():
    result = erlang_c(11, 10.0, aht_s=180, threshold_s=20)
    assert round(result.wait_probability, 7) == 0.6821182
    assert round(result.service_level, 7) == 0.3896138


@pytest.mark.parametrize("agents", [0, 1, 9, 10])
def test_no_more_agents_than_load_is_unstable(agents):
    result = erlang_c(agents, 10.0, aht_s=180)
    assert not result.stable
    assert result.wait_probability == 1.0
    assert result.service_level == 0.0
    assert math.isinf(result.asa_s)
    assert result.occupancy == 1.0


def test_just_above_load_is_stable_and_valid():
    result = erlang_c(10, 9.999999, aht_s=180)
    assert result.stable
    assert 0.99 < result.wait_probability <= 1.0
    assert result.asa_s > 1e6


def test_twenty_thousand_agents():
    result = erlang_c(20_000, 19_000.0, aht_s=300, threshold_s=20)
    assert result.stable
    assert 0.0 <= result.wait_probability < 1e-10
    assert result.service_level == pytest.approx(1.0)
    assert result.occupancy == pytest.approx(0.95)


def test_heavy_load_close_to_capacity():
    result = erlang_c(20_000, 19_900.0, aht_s=300, threshold_s=20)
    assert 0.0 < result.wait_probability < 1.0
    assert 0.0 <= result.service_level <= 1.0


def test_tiny_load_waits_almost_never():
    result = erlang_c(1, 1e-6, aht_s=180)
    # one agent: P(wait) = A exactly (PASTA, single server)
    assert result.wait_probability == pytest.approx(1e-6, rel=1e-9)
    assert result.service_level == pytest.approx(1.0, abs=1e-5)
    assert erlang_c(50, 1e-6, aht_s=180).wait_probability == 0.0


def test_zero_load_is_idle():
    result = erlang_c(3, 0.0, aht_s=180)
    assert result.stable
    assert result.wait_probability == 0.0
    assert result.service_level == 1.0
    assert result.asa_s == 0.0
    assert result.occupancy == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agents": -1, "offered_load": 1.0, "aht_s": 180}, "agents"),
        ({"agents": 2, "offered_load": -1.0, "aht_s": 180}, "offered_load"),
        ({"agents": 2, "offered_load": 1.0, "aht_s": 0}, "aht_s"),
        ({"agents": 2, "offered_load": 1.0, "aht_s": 180, "threshold_s": -1}, "threshold_s"),
    ],
)
def test_bad_input_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        erlang_c(**kwargs)
