"""Erlang B (M/M/c/c): blocking probability of a loss system, e.g. trunks or lines.

Computed with the stable recurrence on the inverse, in log space, so that neither
factorials nor powers of the load are ever formed::

    1 / B(0, A) = 1,    1 / B(c, A) = 1 + (c / A) / B(c - 1, A)

For vectorised work ``log_erlang_b_array`` uses the closed form through the regularised
incomplete gamma function (see ``_numerics.log_head_ratio``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from relais.core.queueing._numerics import FloatArray, log_head_ratio


@dataclass(frozen=True, slots=True)
class ErlangBResult:
    """Performance of c lines (or agents without a queue) offered A erlangs."""

    agents: int
    offered_load: float
    blocking_probability: float
    carried_load: float
    occupancy: float


def _check(agents: int, offered_load: float) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise ValueError(f"agents must be a non-negative integer, got {agents!r}")
    if not math.isfinite(offered_load) or offered_load < 0:
        raise ValueError(f"offered_load must be a finite number >= 0, got {offered_load!r}")


def _softplus(value: float) -> float:
    """ln(1 + e^value) without overflow."""
    if value > 0:
        return value + math.log1p(math.exp(-value))
    return math.log1p(math.exp(value))


def log_erlang_b(agents: int, offered_load: float) -> float:
    """ln B(c, A) by the log-space recurrence; exact from 1 to millions of agents."""
    _check(agents, offered_load)
    if agents == 0:
        return 0.0
    if offered_load == 0:
        return -math.inf
    log_load = math.log(offered_load)
    log_inverse = 0.0  # ln(1 / B(0, A))
    for lines in range(1, agents + 1):
        log_inverse = _softplus(math.log(lines) - log_load + log_inverse)
    return -log_inverse


def blocking_probability(agents: int, offered_load: float) -> float:
    """B(c, A): probability that an arriving contact finds every line busy."""
    return math.exp(log_erlang_b(agents, offered_load))


def erlang_b(agents: int, offered_load: float) -> ErlangBResult:
    """Blocking, carried load A (1 - B) and occupancy A (1 - B) / c of c lines."""
    blocking = blocking_probability(agents, offered_load)
    carried = offered_load * (1.0 - blocking)
    occupancy = carried / agents if agents else 0.0
    return ErlangBResult(
        agents=agents,
        offered_load=offered_load,
        blocking_probability=blocking,
        carried_load=carried,
        occupancy=occupancy,
    )


def lines_for_blocking(offered_load: float, max_blocking: float) -> int:
    """Smallest number of lines whose blocking probability is at most ``max_blocking``."""
    _check(0, offered_load)
    if not 0.0 < max_blocking <= 1.0:
        raise ValueError(f"max_blocking must be in (0, 1], got {max_blocking!r}")
    if offered_load == 0 or max_blocking == 1.0:
        return 0
    log_target = math.log(max_blocking)
    log_load = math.log(offered_load)
    log_inverse = 0.0
    lines = 0
    while -log_inverse > log_target:
        lines += 1
        log_inverse = _softplus(math.log(lines) - log_load + log_inverse)
    return lines


def log_erlang_b_array(agents: FloatArray, offered_load: FloatArray) -> FloatArray:
    """ln B(c, A) element-wise for c ≥ 1 and A > 0 (closed form, vectorised)."""
    return np.asarray(-np.logaddexp(0.0, log_head_ratio(agents, offered_load)), dtype=np.float64)
