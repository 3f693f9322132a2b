"""Log-space building blocks shared by the Erlang formulas (vectorised with numpy).

Two sums carry all the difficulty of the M/M/c and M/M/c+M stationary distributions:

- the *head* below c busy agents, relative to the state "exactly c busy":
  ``H(c, A) = Σ_{k<c} (A^k / k!) / (A^c / c!) = 1 / B(c, A) - 1``;
- the *queue* above it, a confluent hypergeometric (Kummer) series
  ``M(1; b; y) = Σ_{j≥0} y^j / (b)_j`` with ``(b)_j = b (b + 1) … (b + j - 1)``.

Both are returned as logarithms. The closed forms use the regularised incomplete gamma
functions of ``scipy.special`` (never factorials); where those would underflow, a short,
monotonically decreasing series takes over. See docs/queueing.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special as _special

FloatArray = NDArray[np.float64]

# Below this value a regularised incomplete gamma loses its last digits or underflows: use
# the series, which converges fast exactly there (its terms shrink by a ratio < 1 each step).
UNDERFLOW = 1e-280
_SERIES_TOLERANCE = 1e-17
_SERIES_MAX_TERMS = 1_000_000


def as_floats(values: object) -> FloatArray:
    """A 1-D float64 array (a copy, so callers may write into it)."""
    return np.array(values, dtype=np.float64, ndmin=1)


def gammaln(x: FloatArray) -> FloatArray:
    """ln Γ(x)."""
    return np.asarray(_special.gammaln(x), dtype=np.float64)


def log_head_ratio(agents: FloatArray, load: FloatArray) -> FloatArray:
    """ln Σ_{k<c} (A^k/k!) / (A^c/c!) = ln(1/B(c, A) - 1), for c ≥ 1 and A > 0.

    Closed form: ``A + ln Q(c, A) + ln Γ(c + 1) - c ln A`` with Q the regularised upper
    incomplete gamma (the Poisson(A) probability of fewer than c events).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = np.asarray(_special.gammaincc(agents, load), dtype=np.float64)
        result = load + np.log(upper) + gammaln(agents + 1.0) - agents * np.log(load)
    small = ~(upper >= UNDERFLOW)
    if np.any(small):
        result[small] = _log_head_ratio_series(agents[small], load[small])
    return result


def _log_head_ratio_series(agents: FloatArray, load: FloatArray) -> FloatArray:
    """Σ_{m=1}^{c} c (c-1) … (c-m+1) / A^m, used when A is far above c (ratio c/A < 1)."""
    term = agents / load
    total = term.copy()
    for step in range(1, _SERIES_MAX_TERMS):
        term = term * np.maximum(agents - step, 0.0) / load
        total += term
        if np.all(term <= _SERIES_TOLERANCE * total):
            break
    return np.asarray(np.log(total), dtype=np.float64)


def log_kummer(shape: FloatArray, value: FloatArray) -> FloatArray:
    """ln M(1; b; y) = ln Σ_{j≥0} y^j / (b)_j for b > 1 and y ≥ 0.

    Closed form: ``ln Γ(b) + y + (1 - b) ln y + ln P(b - 1, y)`` with P the regularised
    lower incomplete gamma.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.asarray(_special.gammainc(shape - 1.0, value), dtype=np.float64)
        result = gammaln(shape) + value + (1.0 - shape) * np.log(value) + np.log(lower)
    small = ~(lower >= UNDERFLOW)
    if np.any(small):
        result[small] = _log_kummer_series(shape[small], value[small])
    return result


def _log_kummer_series(shape: FloatArray, value: FloatArray) -> FloatArray:
    """Σ_j y^j / (b)_j summed directly, used when y is far below b (ratio y/b < 1)."""
    term = np.ones_like(value)
    total = np.ones_like(value)
    for step in range(_SERIES_MAX_TERMS):
        term = term * value / (shape + step)
        total += term
        if np.all(term <= _SERIES_TOLERANCE * total):
            break
    return np.asarray(np.log(total), dtype=np.float64)
