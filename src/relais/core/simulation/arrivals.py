"""Arrivals of one replication: who arrives when, in which queue, for how long, how patient.

Poisson arrivals with a constant rate per interval and queue (the expected count of the
interval spread uniformly, which is exact for a piecewise-constant rate), or a replay of
recorded arrivals. Each source has its own random streams, named after it, so that the
contacts of a source are the same in two scenarios that share it:

- `arrivals:<queue>` the base traffic of a queue (or `arrivals:replay`);
- `arrivals:<queue>+shock<i>` the extra traffic of volume shock i (factor > 1), added on
  top, so the base contacts stay the same; a factor < 1 thins the base traffic instead
  (`thin:<source>:<i>`);
- `handling:<source>`, `patience:<source>`: one uniform per contact, turned into seconds
  by the distribution of the queue the contact ends up in (inversion);
- `route:<source>`: one uniform per contact deciding channel shifts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from relais.core.simulation.scenario import ChannelShift, Scenario, VolumeShock
from relais.core.simulation.streams import RandomStreams

__all__ = ["ArrivalTable", "base_volumes", "generate_arrivals", "interval_grid"]


@dataclass(slots=True)
class ArrivalTable:
    """Contacts in arrival order; contact number i is index i of every list."""

    times: list[float]
    queues: list[int]  # index into Scenario.queues
    handling: list[float]
    patience: list[float]
    priorities: list[int]  # the customer's class (the queue's priority unless replayed)

    def __len__(self) -> int:
        return len(self.times)


def interval_grid(scenario: Scenario) -> np.ndarray:
    """Interval starts from the scenario start up to its end (the last may be partial)."""
    count = max(1, math.ceil(scenario.duration_s / scenario.interval_s - 1e-9))
    return scenario.start + scenario.interval_s * np.arange(count, dtype=float)


def base_volumes(scenario: Scenario) -> np.ndarray:
    """Expected arrivals per (queue, interval), before events; a replay counts its own."""
    starts = interval_grid(scenario)
    lengths = np.minimum(scenario.end - starts, scenario.interval_s) / scenario.interval_s
    table = np.zeros((len(scenario.queues), len(starts)))
    if scenario.replay is not None:
        index = {spec.queue_id: row for row, spec in enumerate(scenario.queues)}
        for arrival in scenario.replay:
            slot = int((arrival.at - scenario.start) // scenario.interval_s)
            if 0 <= slot < len(starts):
                table[index[arrival.queue], slot] += 1
        return table
    for row, spec in enumerate(scenario.queues):
        if spec.volumes is not None:
            cycle = np.asarray(spec.volumes, dtype=float)
            table[row] = cycle[np.arange(len(starts)) % len(cycle)] * lengths
        else:
            table[row] = spec.rate_per_hour * scenario.interval_s / 3600 * lengths
    return table


def _overlap(starts: np.ndarray, interval_s: float, window: tuple[float, float]) -> np.ndarray:
    """Share of each interval inside [window)."""
    low = np.maximum(starts, window[0])
    high = np.minimum(starts + interval_s, window[1])
    result: np.ndarray = np.clip(high - low, 0.0, None) / interval_s
    return result


def _poisson(
    generator: np.random.Generator, expected: np.ndarray, starts: np.ndarray, scenario: Scenario
) -> np.ndarray:
    counts = generator.poisson(expected)
    slots = np.repeat(np.arange(len(starts)), counts)
    lengths = np.minimum(scenario.end - starts, scenario.interval_s)
    times = starts[slots] + generator.random(len(slots)) * lengths[slots]
    times.sort()
    return times


class _Builder:
    def __init__(self, scenario: Scenario, streams: RandomStreams) -> None:
        self.scenario = scenario
        self.streams = streams
        self.index = {spec.queue_id: row for row, spec in enumerate(scenario.queues)}
        self.times: list[np.ndarray] = []
        self.queues: list[np.ndarray] = []
        self.handling: list[np.ndarray] = []
        self.patience: list[np.ndarray] = []
        self.priorities: list[np.ndarray] = []
        self.shocks = [e for e in scenario.events if isinstance(e, VolumeShock)]
        self.shifts = [e for e in scenario.events if isinstance(e, ChannelShift)]

    def add(
        self,
        source: str,
        times: np.ndarray,
        queues: np.ndarray,
        fixed_handling: np.ndarray | None = None,
        fixed_patience: np.ndarray | None = None,
        fixed_priority: np.ndarray | None = None,
        kinds: np.ndarray | None = None,
    ) -> None:
        streams = self.streams
        count = len(times)
        keep = np.ones(count, dtype=bool)
        for number, shock in enumerate(self.shocks):
            if shock.factor >= 1:
                continue
            thin = streams.uniforms(f"thin:{source}:{number}", count)
            affected = self._in_queues(queues, shock.queues) & _inside(times, shock)
            keep &= ~(affected & (thin >= shock.factor))
        route = streams.uniforms(f"route:{source}", count)
        shifted = np.zeros(count, dtype=bool)
        threshold = np.zeros(count)
        final = queues.copy()
        for shift in self.shifts:
            origin = self.index[shift.from_queue]
            eligible = (queues == origin) & ~shifted & _inside(times, shift)
            threshold = np.where(eligible, threshold + shift.fraction, threshold)
            move = eligible & (route < threshold)
            final[move] = self.index[shift.to_queue]
            shifted |= move
        handling_u = streams.uniforms(f"handling:{source}", count)
        patience_u = streams.uniforms(f"patience:{source}", count)
        handling = np.empty(count)
        patience = np.empty(count)
        priority = np.empty(count, dtype=np.int64)
        for row, spec in enumerate(self.scenario.queues):
            mask = final == row
            if mask.any():
                handling[mask] = spec.handling.from_uniforms(handling_u[mask])
                if kinds is not None:
                    for kind, law in spec.handling_by_kind:
                        of_kind = mask & (kinds == kind)
                        if of_kind.any():
                            handling[of_kind] = law.from_uniforms(handling_u[of_kind])
                patience[mask] = spec.patience.from_uniforms(patience_u[mask])
                priority[mask] = spec.config.priority
        if fixed_handling is not None:
            handling = np.where(np.isnan(fixed_handling), handling, fixed_handling)
        if fixed_patience is not None:
            patience = np.where(np.isnan(fixed_patience), patience, fixed_patience)
        if fixed_priority is not None:
            given = ~np.isnan(fixed_priority)
            priority[given] = fixed_priority[given].astype(np.int64)
        self.times.append(times[keep])
        self.queues.append(final[keep])
        self.handling.append(handling[keep])
        self.patience.append(patience[keep])
        self.priorities.append(priority[keep])

    def _in_queues(self, queues: np.ndarray, names: frozenset[str]) -> np.ndarray:
        if not names:
            return np.ones(len(queues), dtype=bool)
        rows = [self.index[name] for name in names]
        result: np.ndarray = np.isin(queues, rows)
        return result

    def table(self) -> ArrivalTable:
        if not self.times:
            return ArrivalTable([], [], [], [], [])
        times = np.concatenate(self.times)
        order = np.argsort(times, kind="stable")
        return ArrivalTable(
            times[order].tolist(),
            np.concatenate(self.queues)[order].tolist(),
            np.concatenate(self.handling)[order].tolist(),
            np.concatenate(self.patience)[order].tolist(),
            np.concatenate(self.priorities)[order].tolist(),
        )


def _inside(times: np.ndarray, event: VolumeShock | ChannelShift) -> np.ndarray:
    result: np.ndarray = (times >= event.start) & (times < event.end)
    return result


def generate_arrivals(scenario: Scenario, streams: RandomStreams) -> ArrivalTable:
    """Every contact of one replication, in arrival order."""
    builder = _Builder(scenario, streams)
    starts = interval_grid(scenario)
    volumes = base_volumes(scenario)
    if scenario.replay is not None:
        replay = [a for a in scenario.replay if scenario.start <= a.at < scenario.end]
        builder.add(
            "replay",
            np.asarray([a.at for a in replay], dtype=float),
            np.asarray([builder.index[a.queue] for a in replay], dtype=np.int64),
            np.asarray([math.nan if a.handling_s is None else a.handling_s for a in replay]),
            np.asarray([math.nan if a.patience_s is None else a.patience_s for a in replay]),
            np.asarray([math.nan if a.priority is None else a.priority for a in replay]),
            np.asarray([a.kind for a in replay], dtype=object),
        )
    for row, spec in enumerate(scenario.queues):
        if scenario.replay is None and volumes[row].any():
            source = spec.queue_id
            times = _poisson(
                streams.generator(f"arrivals:{source}"), volumes[row], starts, scenario
            )
            builder.add(source, times, np.full(len(times), row, dtype=np.int64))
        for number, shock in enumerate(builder.shocks):
            if shock.factor <= 1 or (shock.queues and spec.queue_id not in shock.queues):
                continue
            inside = _overlap(starts, scenario.interval_s, (shock.start, shock.end)) > 0
            extra = volumes[row] * (shock.factor - 1) * inside
            if not extra.any():
                continue
            source = f"{spec.queue_id}+shock{number}"
            generator = streams.generator(f"arrivals:{source}")
            times = _poisson(generator, extra, starts, scenario)
            times = times[(times >= shock.start) & (times < shock.end)]
            builder.add(source, times, np.full(len(times), row, dtype=np.int64))
    return builder.table()
