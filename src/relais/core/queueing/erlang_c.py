"""Erlang C (M/M/c): Poisson arrivals, exponential handling, patient contacts.

With offered load A = arrival rate × AHT (erlangs) and c agents, the queue is stable only
when c > A. Then, with B = B(c, A) from Erlang B::

    P(wait)   = C(c, A) = c B / (c - A (1 - B))
    SL(T)     = 1 - C(c, A) exp(-(c - A) T / AHT)
    ASA       = C(c, A) AHT / (c - A)          (mean wait over all contacts)
    occupancy = A / c

computed as ``C = S / (H + S)`` with ``S = c / (c - A)`` and ``H = 1/B - 1`` taken in log
space. When c ≤ A the queue grows without bound: the result says ``stable=False`` with
P(wait) = 1, SL = 0, infinite ASA and occupancy 1, never a probability above 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from relais.core.queueing._numerics import FloatArray, as_floats, log_head_ratio


@dataclass(frozen=True, slots=True)
class ErlangCResult:
    """Steady-state performance of c agents offered A erlangs (times in seconds)."""

    agents: int
    offered_load: float
    stable: bool
    wait_probability: float
    service_level: float
    threshold_s: float
    asa_s: float
    occupancy: float


@dataclass(frozen=True, slots=True)
class ErlangCArrays:
    """The same figures element-wise (``stable`` is False where c ≤ A)."""

    stable: np.ndarray[tuple[int], np.dtype[np.bool_]]
    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray


def check_traffic(offered_load: float, aht_s: float, threshold_s: float) -> None:
    """Reject loads, handling times and thresholds that make no sense."""
    if not math.isfinite(offered_load) or offered_load < 0:
        raise ValueError(f"offered_load must be a finite number >= 0, got {offered_load!r}")
    if not math.isfinite(aht_s) or aht_s <= 0:
        raise ValueError(f"aht_s must be a finite number > 0, got {aht_s!r}")
    if not math.isfinite(threshold_s) or threshold_s < 0:
        raise ValueError(f"threshold_s must be a finite number >= 0, got {threshold_s!r}")


def erlang_c_arrays(
    agents: FloatArray, offered_load: FloatArray, aht_s: FloatArray, threshold_s: FloatArray
) -> ErlangCArrays:
    """Erlang C element-wise; inputs broadcast together, loads may be 0."""
    agents, offered_load, aht_s, threshold_s = np.broadcast_arrays(
        as_floats(agents), as_floats(offered_load), as_floats(aht_s), as_floats(threshold_s)
    )
    stable = (agents > offered_load) | (offered_load == 0)
    busy = stable & (offered_load > 0)
    wait = np.where(stable, 0.0, 1.0)
    if np.any(busy):
        c, load = agents[busy], offered_load[busy]
        log_queue = np.log(c) - np.log(c - load)
        log_wait = log_queue - np.logaddexp(log_head_ratio(c, load), log_queue)
        wait[busy] = np.minimum(np.exp(log_wait), 1.0)
    headroom = np.where(agents > offered_load, agents - offered_load, 1.0)
    service_level = np.where(
        stable, np.clip(1.0 - wait * np.exp(-headroom * threshold_s / aht_s), 0.0, 1.0), 0.0
    )
    asa_s = np.where(stable, wait * aht_s / headroom, math.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(stable, np.where(agents > 0, offered_load / agents, 0.0), 1.0)
    return ErlangCArrays(
        stable=stable,
        wait_probability=np.asarray(wait, dtype=np.float64),
        service_level=np.asarray(service_level, dtype=np.float64),
        asa_s=np.asarray(asa_s, dtype=np.float64),
        occupancy=np.asarray(occupancy, dtype=np.float64),
    )


def erlang_c(
    agents: int, offered_load: float, *, aht_s: float, threshold_s: float = 20.0
) -> ErlangCResult:
    """Erlang C figures for ``agents`` answering ``offered_load`` erlangs.

    >>> result = erlang_c(14, 10.0, aht_s=180, threshold_s=20)
    >>> round(result.wait_probability, 7), round(result.service_level, 5)
    (0.1741319, 0.88835)
    """
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise ValueError(f"agents must be a non-negative integer, got {agents!r}")
    check_traffic(offered_load, aht_s, threshold_s)
    arrays = erlang_c_arrays(
        as_floats(agents), as_floats(offered_load), as_floats(aht_s), as_floats(threshold_s)
    )
    return ErlangCResult(
        agents=agents,
        offered_load=offered_load,
        stable=bool(arrays.stable[0]),
        wait_probability=float(arrays.wait_probability[0]),
        service_level=float(arrays.service_level[0]),
        threshold_s=threshold_s,
        asa_s=float(arrays.asa_s[0]),
        occupancy=float(arrays.occupancy[0]),
    )
