"""The roll-out of a blocking briefing: which agents receive it when.

A blocking briefing takes each agent who receives it out of the affected queues until the
agent acknowledges it. Sent to everyone at once, it could empty a queue; so it starts at a
time and then either reaches every agent at once, each being held back only once the
contact in hand is finished (`AFTER_CONTACT`: the engine never takes a contact away), or
reaches the agents in waves of `wave_agents` agents (or `wave_percent` of them) every
`wave_every_s` seconds (`WAVES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Rollout", "RolloutMode", "rollout_waves", "spread_by_site"]


class RolloutMode(StrEnum):
    AFTER_CONTACT = "after_contact"
    WAVES = "waves"


@dataclass(frozen=True, slots=True)
class Rollout:
    """When and how a briefing reaches its agents (times in seconds since the epoch)."""

    start: float
    mode: RolloutMode = RolloutMode.AFTER_CONTACT
    wave_agents: int | None = None  # agents per wave; or
    wave_percent: float | None = None  # a share of the agents per wave (0 < p <= 100)
    wave_every_s: float = 600.0

    def __post_init__(self) -> None:
        if self.mode is RolloutMode.WAVES:
            if (self.wave_agents is None) == (self.wave_percent is None):
                raise ValueError("waves need either a number of agents or a percentage")
            if self.wave_agents is not None and self.wave_agents < 1:
                raise ValueError("a wave has at least one agent")
            if self.wave_percent is not None and not 0 < self.wave_percent <= 100:
                raise ValueError("a wave's percentage is between 0 and 100")
            if self.wave_every_s <= 0:
                raise ValueError("waves need a positive interval")

    def wave_size(self, agents: int) -> int:
        if self.mode is RolloutMode.AFTER_CONTACT or agents == 0:
            return max(agents, 1)
        if self.wave_agents is not None:
            return self.wave_agents
        return max(1, math.ceil(agents * (self.wave_percent or 100.0) / 100.0))


def rollout_waves[T](rollout: Rollout, agents: Sequence[T]) -> list[tuple[float, list[T]]]:
    """The waves, in order: (when, the agents it reaches). Agents in the given order."""
    size = rollout.wave_size(len(agents))
    return [
        (rollout.start + number * rollout.wave_every_s, list(agents[first : first + size]))
        for number, first in enumerate(range(0, len(agents), size))
    ]


def spread_by_site[T](agents: Sequence[T], site_of: Callable[[T], Hashable]) -> list[T]:
    """The agents in the order waves take them: the first of each site, then the second…, so
    that a wave does not take one site's staff out before the others'."""
    rank: dict[Hashable, int] = {}
    sites: dict[Hashable, int] = {}
    order: list[tuple[int, int, int]] = []
    for position, agent in enumerate(agents):
        site = site_of(agent)
        rank[site] = rank.get(site, -1) + 1
        sites.setdefault(site, len(sites))
        order.append((rank[site], sites[site], position))
    return [agents[position] for _, _, position in sorted(order)]
