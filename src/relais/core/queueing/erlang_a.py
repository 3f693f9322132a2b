"""Erlang A (M/M/c+M): Erlang C plus abandonment with exponential patience.

Rates per second: arrivals λ, service μ = 1/AHT, abandonment θ = 1/patience; load
A = λ/μ. The number of contacts in the system is a birth-death chain whose stationary
probabilities, relative to "exactly c busy agents", are

    below c:  p_k / p_c = (A^k / k!) / (A^c / c!)            (sum H = 1/B(c, A) - 1)
    above c:  p_{c+j} / p_c = x^j / (a)_j,  x = λ/θ, a = cμ/θ + 1   (sum S = M(1; a; x))

so that P(wait) = S / (H + S) exactly, with no truncated chain. A delayed contact with j
contacts ahead is answered with probability (a - 1) / (a + j); summing gives the answered
delayed mass ``D = p_c ((a - 1)/a) M(1; a + 1; x)`` and ``P(abandon) = P(wait) - D``.
The offered wait has the density ``λ p_{c-1} exp(λ(1 - e^{-θs})/θ - cμs)`` (Baccelli and
Hébuterne), which gives the delayed contacts still waiting at T who will be answered::

    L(T) = p_c ((a - 1)/a) e^{x(1-u)} u^a M(1; a + 1; x u),  u = e^{-θT}
         = D P(a, x u) / P(a, x)                 (P: regularised lower incomplete gamma)

Definitions (identical to pyworkforce 0.5.4's ``ErlangA``):

- ``service_level``: contacts answered within T over *all* offered contacts
  (abandoned ones count as missed) = 1 - P(wait) + D (1 - L(T)/D);
- ``average_wait_s``: mean time in queue over all offered contacts = Lq / λ
  (pyworkforce's ``average_speed_of_answer``);
- ``occupancy``: λ (1 - P(abandon)) / (c μ).

``asa_s`` is the mean wait of *answered* contacts (the KPI definition of ASA): for j ahead
it is (a - 1)/(a + j) × Σ_{k=1}^{j+1} 1/(θ (a - 1 + k)), summed over the queue states.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special as _special

from relais.core.queueing._numerics import (
    UNDERFLOW,
    FloatArray,
    as_floats,
    log_head_ratio,
    log_kummer,
)
from relais.core.queueing.erlang_c import check_traffic


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """Steady-state performance of c agents with impatient contacts (times in seconds)."""

    agents: int
    offered_load: float
    patience_s: float
    wait_probability: float
    abandonment_probability: float
    service_level: float
    threshold_s: float
    asa_s: float
    average_wait_s: float
    average_queue_length: float
    occupancy: float


@dataclass(frozen=True, slots=True)
class ErlangAArrays:
    """Erlang A figures element-wise (``asa_s`` is computed on demand, see ``answered_asa``)."""

    wait_probability: FloatArray
    abandonment_probability: FloatArray
    service_level: FloatArray
    average_wait_s: FloatArray
    occupancy: FloatArray
    log_normaliser: FloatArray


def erlang_a_arrays(
    agents: FloatArray,
    offered_load: FloatArray,
    aht_s: FloatArray,
    patience_s: FloatArray,
    threshold_s: FloatArray,
) -> ErlangAArrays:
    """Erlang A element-wise for c ≥ 1; inputs broadcast together, loads may be 0."""
    agents, load, aht_s, patience_s, threshold_s = np.broadcast_arrays(
        as_floats(agents),
        as_floats(offered_load),
        as_floats(aht_s),
        as_floats(patience_s),
        as_floats(threshold_s),
    )
    size = agents.shape
    wait, abandon = np.zeros(size), np.zeros(size)
    service_level, log_norm = np.ones(size), np.zeros(size)
    busy = load > 0
    if np.any(busy):
        c, a_load, ratio = agents[busy], load[busy], patience_s[busy] / aht_s[busy]
        patience_rate_t = threshold_s[busy] / patience_s[busy]  # θT
        x = a_load * ratio  # λ/θ
        shape_minus_one = c * ratio  # a - 1 = cμ/θ
        shape = shape_minus_one + 1.0
        log_queue = log_kummer(shape, x)
        norm = np.logaddexp(log_head_ratio(c, a_load), log_queue)
        log_answered = np.log(shape_minus_one) - np.log(shape) - norm
        p_wait = np.exp(log_queue - norm)
        answered_delayed = np.exp(log_answered + log_kummer(shape + 1.0, x))
        on_time = answered_within_share(shape, x, patience_rate_t)
        wait[busy] = np.minimum(p_wait, 1.0)
        abandon[busy] = np.clip(p_wait - answered_delayed, 0.0, 1.0)
        service_level[busy] = np.clip(1.0 - p_wait + answered_delayed * on_time, 0.0, 1.0)
        log_norm[busy] = norm
    # Throughput never exceeds capacity; clip the last-digit rounding of heavy overload.
    occupancy = np.minimum(load * (1.0 - abandon) / agents, 1.0)
    return ErlangAArrays(
        wait_probability=wait,
        abandonment_probability=abandon,
        service_level=service_level,
        average_wait_s=abandon * patience_s,
        occupancy=np.asarray(occupancy, dtype=np.float64),
        log_normaliser=log_norm,
    )


def answered_within_share(
    shape: FloatArray, x: FloatArray, patience_rate_t: FloatArray
) -> FloatArray:
    """Share of the answered delayed contacts answered within T: 1 - L(T) / D.

    ``L(T) / D = P(a, x u) / P(a, x)`` (P the regularised lower incomplete gamma), so the
    share is a difference of incomplete gammas taken on the side where it is small, which
    keeps its relative precision even when D and L(T) are both close to 1.
    """
    shifted = x * np.exp(-patience_rate_t)
    lower_x = np.asarray(_special.gammainc(shape, x), dtype=np.float64)
    lower_y = np.asarray(_special.gammainc(shape, shifted), dtype=np.float64)
    upper_x = np.asarray(_special.gammaincc(shape, x), dtype=np.float64)
    upper_y = np.asarray(_special.gammaincc(shape, shifted), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lower_y > 0.5, upper_y - upper_x, lower_x - lower_y) / lower_x
    small = ~(lower_x >= UNDERFLOW)
    if np.any(small):  # lightly loaded: P(a, x) underflows, use the Kummer series instead
        a, y, rate_t = shape[small], x[small], patience_rate_t[small]
        log_ratio = (
            -y * np.expm1(-rate_t)
            - a * rate_t
            + log_kummer(a + 1.0, y * np.exp(-rate_t))
            - log_kummer(a + 1.0, y)
        )
        share[small] = -np.expm1(log_ratio)
    return np.asarray(np.clip(share, 0.0, 1.0), dtype=np.float64)


def answered_asa(
    agents: float,
    offered_load: float,
    aht_s: float,
    patience_s: float,
    log_normaliser: float,
    abandonment_probability: float,
) -> float:
    """Mean wait (s) of answered contacts, summing over queue states until negligible."""
    if offered_load == 0:
        return 0.0
    ratio = patience_s / aht_s
    shape_minus_one = agents * ratio
    x = offered_load * ratio
    states = math.ceil(max(x - shape_minus_one, 0.0) + 10.0 * math.sqrt(x) + 40.0)
    ahead = np.arange(states + 1, dtype=np.float64)
    log_weight = np.concatenate(
        ([0.0], np.cumsum(math.log(x) - np.log(shape_minus_one + 1.0 + ahead[:-1])))
    )
    answer_odds = shape_minus_one / (shape_minus_one + 1.0 + ahead)
    expected_wait = patience_s * np.cumsum(1.0 / (shape_minus_one + 1.0 + ahead))
    total = float(np.sum(np.exp(log_weight - log_normaliser) * answer_odds * expected_wait))
    return total / (1.0 - abandonment_probability)


def erlang_a(
    agents: int,
    offered_load: float,
    *,
    aht_s: float,
    patience_s: float,
    threshold_s: float = 20.0,
) -> ErlangAResult:
    """Erlang A figures for ``agents`` answering ``offered_load`` erlangs.

    >>> result = erlang_a(14, 10.0, aht_s=180, patience_s=300)
    >>> round(result.abandonment_probability, 6), round(result.service_level, 6)
    (0.013984, 0.916792)
    """
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
        raise ValueError(f"agents must be a positive integer, got {agents!r}")
    check_traffic(offered_load, aht_s, threshold_s)
    if not patience_s > 0:
        raise ValueError(f"patience_s must be > 0, got {patience_s!r}")
    if math.isinf(patience_s):
        raise ValueError("infinite patience is Erlang C: use erlang_c()")
    arrays = erlang_a_arrays(
        as_floats(agents),
        as_floats(offered_load),
        as_floats(aht_s),
        as_floats(patience_s),
        as_floats(threshold_s),
    )
    abandon = float(arrays.abandonment_probability[0])
    asa_s = answered_asa(
        agents, offered_load, aht_s, patience_s, float(arrays.log_normaliser[0]), abandon
    )
    return ErlangAResult(
        agents=agents,
        offered_load=offered_load,
        patience_s=patience_s,
        wait_probability=float(arrays.wait_probability[0]),
        abandonment_probability=abandon,
        service_level=float(arrays.service_level[0]),
        threshold_s=threshold_s,
        asa_s=asa_s,
        average_wait_s=float(arrays.average_wait_s[0]),
        average_queue_length=abandon * patience_s * offered_load / aht_s,
        occupancy=float(arrays.occupancy[0]),
    )
