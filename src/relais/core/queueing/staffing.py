"""Staffing: the fewest agents meeting every target, for one interval or many at once.

Targets combine freely: service level X in T seconds, maximum ASA, maximum abandonment,
maximum occupancy. Each figure is monotone in the number of agents, so the smallest
feasible number is found per interval by an exponential then a binary search, all
intervals advancing together in numpy (one vectorised evaluation per step).

Under abandonment (Erlang A, ``patience_s`` given) a service-level target alone is
ill-posed: impatient contacts leave the queue, which shortens it for the others, so a
planner could "meet" a service level by letting callers hang up. Every Erlang A search
therefore also caps abandonment; the cap defaults to ``DEFAULT_MAX_ABANDONMENT`` (5 %)
when the targets do not set one.

Shrinkage (breaks, training, absence) turns agents on the phones into scheduled agents:
``scheduled = ceil(agents / (1 - shrinkage))``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relais.core.queueing._numerics import FloatArray, as_floats
from relais.core.queueing.erlang_a import answered_asa, erlang_a_arrays
from relais.core.queueing.erlang_c import erlang_c_arrays

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DEFAULT_MAX_ABANDONMENT = 0.05
DEFAULT_MAX_AGENTS = 1_000_000
_ROUNDING_SLACK = 1e-9  # so that 14 / (1 - 0.3) = 20.000000000000004 stays 20


class StaffingError(ValueError):
    """No number of agents up to the search limit meets the targets."""


@dataclass(frozen=True, slots=True)
class StaffingTargets:
    """What the planner asks of an interval; ``None`` means "no such target"."""

    service_level: float | None = None
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_abandonment: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0.0 <= self.service_level <= 1.0:
            raise ValueError(f"service_level must be in [0, 1], got {self.service_level!r}")
        if not math.isfinite(self.threshold_s) or self.threshold_s < 0:
            raise ValueError(f"threshold_s must be a finite number >= 0, got {self.threshold_s!r}")
        if self.max_asa_s is not None and not self.max_asa_s >= 0:
            raise ValueError(f"max_asa_s must be >= 0, got {self.max_asa_s!r}")
        if self.max_abandonment is not None and not 0.0 <= self.max_abandonment <= 1.0:
            raise ValueError(f"max_abandonment must be in [0, 1], got {self.max_abandonment!r}")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise ValueError(f"max_occupancy must be in (0, 1], got {self.max_occupancy!r}")
        if (
            self.service_level is None
            and self.max_asa_s is None
            and self.max_abandonment is None
            and self.max_occupancy is None
        ):
            raise ValueError("give at least one target")


@dataclass(frozen=True, slots=True)
class IntervalStaffing:
    """Staffing of many intervals; every field is an array with one value per interval."""

    offered_load: FloatArray
    agents: IntArray
    scheduled_agents: IntArray
    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandonment_probability: FloatArray
    occupancy: FloatArray


@dataclass(frozen=True, slots=True)
class Staffing:
    """Staffing of one interval: agents on the phones, scheduled agents and the figures."""

    offered_load: float
    agents: int
    scheduled_agents: int
    wait_probability: float
    service_level: float
    threshold_s: float
    asa_s: float
    abandonment_probability: float
    occupancy: float


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` remain after shrinkage."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    return max(agents, math.ceil(agents / (1.0 - shrinkage) - _ROUNDING_SLACK))


Feasibility = Callable[[FloatArray, IntArray], BoolArray]


def _smallest_feasible(lower: IntArray, feasible: Feasibility, max_agents: int) -> IntArray:
    """Per element, the smallest c ≥ lower with ``feasible(c)``, assuming monotonicity."""
    low = lower.copy()
    high = lower.copy()
    step = np.ones_like(lower)
    pending = np.arange(lower.size)
    while pending.size:  # exponential phase: find a feasible upper end
        ok = feasible(high[pending].astype(np.float64), pending)
        failed = pending[~ok]
        low[failed] = high[failed] + 1
        high[failed] = high[failed] + step[failed]
        step[failed] *= 2
        beyond = failed[high[failed] > max_agents]
        if beyond.size:
            raise StaffingError(
                f"targets not met with up to {max_agents} agents in intervals {beyond.tolist()}"
            )
        pending = failed
    pending = np.flatnonzero(low < high)
    while pending.size:  # binary phase: answer in [low, high], high feasible
        middle = (low[pending] + high[pending]) // 2
        ok = feasible(middle.astype(np.float64), pending)
        high[pending[ok]] = middle[ok]
        low[pending[~ok]] = middle[~ok] + 1
        pending = pending[low[pending] < high[pending]]
    return high


def _broadcast(
    count: int, name: str, values: ArrayLike, *, minimum: float, strict: bool
) -> FloatArray:
    array = np.broadcast_to(as_floats(values), (count,)).astype(np.float64)
    bad = ~np.isfinite(array) | (array <= minimum if strict else array < minimum)
    if np.any(bad):
        relation = ">" if strict else ">="
        raise ValueError(
            f"{name} must be finite and {relation} {minimum}: "
            f"intervals {np.flatnonzero(bad).tolist()}"
        )
    return array


def staff_intervals(
    *,
    volumes: ArrayLike,
    aht_s: ArrayLike,
    targets: StaffingTargets,
    interval_s: float = 1800.0,
    patience_s: ArrayLike | None = None,
    shrinkage: float = 0.0,
    min_agents: ArrayLike = 0,
    max_agents: int = DEFAULT_MAX_AGENTS,
) -> IntervalStaffing:
    """Smallest agents per interval meeting ``targets``, then scheduled agents.

    ``volumes`` are contacts offered per interval of ``interval_s`` seconds; ``aht_s`` and
    ``patience_s`` are scalars or one value per interval. Without ``patience_s`` the model
    is Erlang C (patient contacts), with it Erlang A (mean patience in seconds).
    ``min_agents`` (scalar or per interval) is a floor such as a contractual minimum on an
    open queue; it applies to intervals with traffic.
    """
    volume = as_floats(volumes)
    count = volume.size
    volume = _broadcast(count, "volumes", volume, minimum=0.0, strict=False)
    aht = _broadcast(count, "aht_s", aht_s, minimum=0.0, strict=True)
    if not math.isfinite(interval_s) or interval_s <= 0:
        raise ValueError(f"interval_s must be a finite number > 0, got {interval_s!r}")
    load = volume * aht / interval_s
    threshold = np.full(count, targets.threshold_s)
    busy = np.flatnonzero(load > 0)
    agents = np.zeros(count, dtype=np.int64)
    if patience_s is None:
        feasible = _erlang_c_feasibility(load, aht, threshold, targets)
        lower = np.floor(load).astype(np.int64) + 1
        if targets.max_occupancy is not None:
            lower = np.maximum(lower, np.floor(load / targets.max_occupancy).astype(np.int64))
    else:
        patience = _broadcast(count, "patience_s", patience_s, minimum=0.0, strict=True)
        feasible = _erlang_a_feasibility(load, aht, patience, threshold, targets)
        cap = (
            DEFAULT_MAX_ABANDONMENT if targets.max_abandonment is None else targets.max_abandonment
        )
        # Answered contacts need agents: c ≥ A (1 - P(abandon)) / occupancy ≥ A·SL / occupancy.
        floor_share = max(targets.service_level or 0.0, 1.0 - cap)
        lower = np.floor(load * floor_share / (targets.max_occupancy or 1.0) * (1 - 1e-9))
        lower = np.maximum(lower.astype(np.int64), 1)
    floor_agents = np.broadcast_to(np.asarray(min_agents, dtype=np.int64), (count,))
    lower = np.maximum(lower, floor_agents)
    if busy.size:

        def feasible_busy(candidates: FloatArray, positions: IntArray) -> BoolArray:
            return feasible(candidates, busy[positions])

        agents[busy] = _smallest_feasible(lower[busy], feasible_busy, max_agents)
    return _describe(load, agents, aht, threshold, patience_s, shrinkage, count)


def _erlang_c_feasibility(
    load: FloatArray, aht: FloatArray, threshold: FloatArray, targets: StaffingTargets
) -> Feasibility:
    def feasible(candidates: FloatArray, index: IntArray) -> BoolArray:
        figures = erlang_c_arrays(candidates, load[index], aht[index], threshold[index])
        ok = figures.stable.copy()
        if targets.service_level is not None:
            ok &= figures.service_level >= targets.service_level
        if targets.max_asa_s is not None:
            ok &= figures.asa_s <= targets.max_asa_s
        if targets.max_occupancy is not None:
            ok &= figures.occupancy <= targets.max_occupancy
        return ok

    return feasible


def _erlang_a_feasibility(
    load: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    threshold: FloatArray,
    targets: StaffingTargets,
) -> Feasibility:
    cap = DEFAULT_MAX_ABANDONMENT if targets.max_abandonment is None else targets.max_abandonment

    def feasible(candidates: FloatArray, index: IntArray) -> BoolArray:
        figures = erlang_a_arrays(
            candidates, load[index], aht[index], patience[index], threshold[index]
        )
        ok = figures.abandonment_probability <= cap
        if targets.service_level is not None:
            ok &= figures.service_level >= targets.service_level
        if targets.max_occupancy is not None:
            ok &= figures.occupancy <= targets.max_occupancy
        if targets.max_asa_s is not None:
            for position in np.flatnonzero(ok):
                element = index[position]
                asa = answered_asa(
                    float(candidates[position]),
                    float(load[element]),
                    float(aht[element]),
                    float(patience[element]),
                    float(figures.log_normaliser[position]),
                    float(figures.abandonment_probability[position]),
                )
                ok[position] = asa <= targets.max_asa_s
        return np.asarray(ok, dtype=np.bool_)

    return feasible


def _describe(
    load: FloatArray,
    agents: IntArray,
    aht: FloatArray,
    threshold: FloatArray,
    patience_s: ArrayLike | None,
    shrinkage: float,
    count: int,
) -> IntervalStaffing:
    scheduled = np.array([scheduled_agents(int(n), shrinkage) for n in agents], dtype=np.int64)
    staffed = agents.astype(np.float64)
    if patience_s is None:
        figures_c = erlang_c_arrays(staffed, load, aht, threshold)
        wait, service_level = figures_c.wait_probability, figures_c.service_level
        asa, occupancy = figures_c.asa_s, figures_c.occupancy
        abandon = np.zeros(count)
        idle = agents == 0  # no load, no agents: nothing waits
        asa = np.where(idle, 0.0, asa)
        occupancy = np.where(idle, 0.0, occupancy)
    else:
        patience = np.broadcast_to(as_floats(patience_s), (count,))
        safe = np.maximum(staffed, 1.0)
        figures_a = erlang_a_arrays(safe, load, aht, patience, threshold)
        wait, service_level = figures_a.wait_probability, figures_a.service_level
        abandon, occupancy = figures_a.abandonment_probability, figures_a.occupancy
        asa = np.array(
            [
                answered_asa(
                    safe[i],
                    load[i],
                    aht[i],
                    patience[i],
                    figures_a.log_normaliser[i],
                    abandon[i],
                )
                for i in range(count)
            ]
        )
        occupancy = np.where(agents == 0, 0.0, occupancy)
    return IntervalStaffing(
        offered_load=load,
        agents=agents,
        scheduled_agents=scheduled,
        wait_probability=wait,
        service_level=service_level,
        asa_s=asa,
        abandonment_probability=abandon,
        occupancy=occupancy,
    )


def required_agents(
    *,
    volume: float,
    aht_s: float,
    targets: StaffingTargets,
    interval_s: float = 1800.0,
    patience_s: float | None = None,
    shrinkage: float = 0.0,
    min_agents: int = 0,
    max_agents: int = DEFAULT_MAX_AGENTS,
) -> Staffing:
    """Staffing of one interval (Erlang C, or Erlang A when ``patience_s`` is given).

    >>> targets = StaffingTargets(service_level=0.8, threshold_s=20, max_occupancy=0.85)
    >>> staffing = required_agents(volume=100, aht_s=180, targets=targets, shrinkage=0.3)
    >>> staffing.agents, staffing.scheduled_agents
    (14, 20)
    """
    result = staff_intervals(
        volumes=[volume],
        aht_s=aht_s,
        targets=targets,
        interval_s=interval_s,
        patience_s=None if patience_s is None else [patience_s],
        shrinkage=shrinkage,
        min_agents=min_agents,
        max_agents=max_agents,
    )
    return Staffing(
        offered_load=float(result.offered_load[0]),
        agents=int(result.agents[0]),
        scheduled_agents=int(result.scheduled_agents[0]),
        wait_probability=float(result.wait_probability[0]),
        service_level=float(result.service_level[0]),
        threshold_s=targets.threshold_s,
        asa_s=float(result.asa_s[0]),
        abandonment_probability=float(result.abandonment_probability[0]),
        occupancy=float(result.occupancy[0]),
    )
