"""Erlang A: pyworkforce's published values, an independent brute-force chain, limits."""

import math

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.special import logsumexp

from relais.core.queueing import erlang_a, erlang_c


def brute_force(agents, load, aht_s, patience_s, threshold_s, states=400):
    """Truncated birth-death chain and the tagged contact's absorbing chain (matrix exp)."""
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    lam = load * mu
    log_p = np.zeros(agents + states)
    for n in range(1, agents + states):
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        log_p[n] = log_p[n - 1] + math.log(lam / death)
    p = np.exp(log_p - logsumexp(log_p))
    queue = np.arange(states)
    wait = p[agents:].sum()
    abandon = theta * (queue * p[agents:]).sum() / lam
    # tagged contact with j ahead: advances at c mu + j theta, abandons at theta
    size = 60
    generator = np.zeros((size + 2, size + 2))  # last two states: answered, abandoned
    for j in range(size):
        generator[j, j - 1 if j else size] = agents * mu + j * theta
        generator[j, size + 1] = theta
        generator[j, j] = -(agents * mu + (j + 1) * theta)
    answered_by = expm(generator * threshold_s)[:size, size]
    service_level = p[:agents].sum() + (p[agents : agents + size] * answered_by).sum()
    odds = np.array([agents * mu / (agents * mu + (j + 1) * theta) for j in range(states)])
    harmonic = np.cumsum([1.0 / (agents * mu + (k + 1) * theta) for k in range(states)])
    asa = (p[agents:] * odds * harmonic).sum() / (1 - abandon)
    return wait, abandon, service_level, asa


def test_reference_pyworkforce_fourteen_agents():
    # given 10 erlangs, AHT 180 s, mean patience 5 min and 14 agents
    result = erlang_a(14, 10.0, aht_s=180, patience_s=300, threshold_s=20)
    # then pyworkforce's published figures come out
    assert round(result.wait_probability, 5) == 0.14526
    assert round(result.abandonment_probability, 6) == 0.013984
    assert round(result.occupancy, 6) == 0.704297
    assert round(result.service_level, 6) == 0.916792
    assert round(result.average_wait_s / 60, 6) == 0.069919


@pytest.mark.parametrize(
    ("agents", "load", "aht_s", "patience_s"),
    [(14, 10.0, 180, 300), (8, 10.0, 180, 300), (5, 7.5, 240, 60), (30, 22.0, 300, 900)],
)
def test_agrees_with_brute_force_chain(agents, load, aht_s, patience_s):
    wait, abandon, service_level, asa = brute_force(agents, load, aht_s, patience_s, 20.0)
    result = erlang_a(agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=20)
    assert result.wait_probability == pytest.approx(wait, abs=1e-10)
    assert result.abandonment_probability == pytest.approx(abandon, abs=1e-10)
    assert result.service_level == pytest.approx(service_level, abs=1e-9)
    assert result.asa_s == pytest.approx(asa, rel=1e-9)


@pytest.mark.parametrize("agents", [6, 10, 14, 20])
def test_agrees_with_pyworkforce_to_1e9(agents):
    pyworkforce = pytest.importorskip("pyworkforce.queuing")
    peer = pyworkforce.ErlangA(
        transactions=100, aht=3, asa=20 / 60, interval=30, patience=5, shrinkage=0.0
    )
    metrics = peer._metrics(agents)
    result = erlang_a(agents, 10.0, aht_s=180, patience_s=300, threshold_s=20)
    assert result.wait_probability == pytest.approx(metrics["waiting_probability"], abs=1e-9)
    assert result.abandonment_probability == pytest.approx(
        metrics["abandonment_probability"], abs=1e-9
    )
    assert result.occupancy == pytest.approx(metrics["occupancy"], abs=1e-9)
    assert result.service_level == pytest.approx(peer.service_level(agents), abs=1e-9)


def test_very_patient_contacts_behave_like_erlang_c():
    patient = erlang_a(15, 10.0, aht_s=180, patience_s=1e9, threshold_s=20)
    reference = erlang_c(15, 10.0, aht_s=180, threshold_s=20)
    assert patient.wait_probability == pytest.approx(reference.wait_probability, abs=1e-6)
    assert patient.service_level == pytest.approx(reference.service_level, abs=1e-6)
    assert patient.asa_s == pytest.approx(reference.asa_s, rel=1e-5)


def test_overload_is_stable_thanks_to_abandonment():
    # given fewer agents than erlangs (Erlang C would be unstable)
    result = erlang_a(80, 100.0, aht_s=300, patience_s=120, threshold_s=20)
    # then the queue is finite and the lost share covers the excess load
    assert 0.0 < result.wait_probability <= 1.0
    assert result.abandonment_probability >= 0.2 - 1e-12
    assert result.occupancy <= 1.0


def test_twenty_thousand_agents_and_tiny_loads():
    big = erlang_a(20_000, 19_000.0, aht_s=300, patience_s=120, threshold_s=20)
    assert 0.0 <= big.wait_probability < 1e-6
    assert big.occupancy == pytest.approx(0.95, rel=1e-6)
    tiny = erlang_a(3, 1e-6, aht_s=300, patience_s=120, threshold_s=20)
    assert 0.0 <= tiny.wait_probability < 1e-15
    assert tiny.service_level == pytest.approx(1.0)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="agents"):
        erlang_a(0, 1.0, aht_s=180, patience_s=60)
    with pytest.raises(ValueError, match="patience_s"):
        erlang_a(2, 1.0, aht_s=180, patience_s=0)
    with pytest.raises(ValueError, match="Erlang C"):
        erlang_a(2, 1.0, aht_s=180, patience_s=math.inf)
