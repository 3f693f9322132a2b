"""Agent pools: per ring (one overflow step of one queue), the agents free for it, best first.

An entry is `(key, refresh sequence, agent version, agent index)`; it is valid while the
agent's version still matches (every change of the agent bumps it), and stale entries
are dropped lazily. The best agent is the smallest valid entry.

The keys of three strategies are `band × BAND + idle time`: longest idle (one band), best
skill (band: minus the agent's skill sum for the queue), least occupied (band: load over
capacity on the channel). An agent's entries are made when it is refreshed, and its idle
time is then the time of its last offer or release, so the entries of one band arrive in
increasing order: each band is a FIFO (`deque`), where adding and dropping cost O(1)
instead of the O(log n) of a heap. The rare entry that would break a FIFO's order (an
agent restored with an older idle time, a profile update) and every round-robin entry
(whose key is the agent's last turn, in no particular order) go to the ring's heap. The
best entry is the smallest of the FIFOs' valid heads and the heap's valid head.
"""

from __future__ import annotations

from collections import deque
from heapq import heapify, heappop, heappush
from itertools import chain
from typing import NamedTuple

from relais.core.routing.model import Strategy
from relais.core.routing.state import REAL_TIME, AgentEntry, AgentRuntime, Membership, Ring

__all__ = [
    "BAND",
    "add_entries",
    "band_fifo",
    "compact",
    "ordered_entries",
    "plan_pools",
    "pool_head",
    "push_out_of_order",
]

# A strategy's first criterion (its band), scaled past any epoch time; idle time follows.
BAND = 1e11

type Slots = tuple[tuple[Ring, deque[AgentEntry]], ...]


class ChannelPlan(NamedTuple):
    """Where an agent's entries go when it can take `channel`, grouped by how they're keyed."""

    channel: int
    real_time: bool
    idle_slots: Slots  # longest idle: key = idle time
    skill_slots: tuple[tuple[float, Slots], ...]  # best skill: key = offset + idle time
    occupancy_rings: tuple[Ring, ...]  # least occupied: the band is the load ratio
    turn_rings: tuple[tuple[Membership, tuple[Ring, ...]], ...]  # round robin


def pool_rings(membership: Membership) -> tuple[Ring, ...]:
    """The rings the membership's entries go to.

    A ring is left out when a lower ring of the membership has no opening hours: every
    contact that looks at the higher ring also looks at that lower one, always open, where
    the agent has the very same entry; the best agent found is the same.
    """
    rings: list[Ring] = []
    for ring in membership.rings:
        rings.append(ring)
        if ring.queue.config.steps[ring.index].hours is None:
            break
    return tuple(rings)


def plan_pools(agent: AgentRuntime) -> tuple[ChannelPlan, ...]:
    """The agent's pool plan, per channel (made again when its memberships change)."""
    plans: list[ChannelPlan] = []
    for channel in sorted({membership.queue.channel for membership in agent.memberships}):
        idle: list[tuple[Ring, deque[AgentEntry]]] = []
        skill: list[tuple[float, Slots]] = []
        occupancy: list[Ring] = []
        turn: list[tuple[Membership, tuple[Ring, ...]]] = []
        for membership in agent.memberships:
            if membership.queue.channel != channel:
                continue
            rings = pool_rings(membership)
            strategy = membership.queue.strategy
            if strategy is Strategy.LONGEST_IDLE:
                idle.extend((ring, band_fifo(ring, 0.0)) for ring in rings)
            elif strategy is Strategy.BEST_SKILL:
                band = membership.score
                slots = tuple((ring, band_fifo(ring, band)) for ring in rings)
                skill.append((band * BAND, slots))
            elif strategy is Strategy.LEAST_OCCUPIED:
                occupancy.extend(rings)
            else:
                turn.append((membership, rings))
        plans.append(
            ChannelPlan(
                channel,
                REAL_TIME[channel],
                tuple(idle),
                tuple(skill),
                tuple(occupancy),
                tuple(turn),
            )
        )
    return tuple(plans)


def add_entries(agent: AgentRuntime, seq: int, version: int, agents: list[AgentRuntime]) -> None:
    """Add the agent's entries (it is ready and has no real-time contact) where it fits."""
    load = agent.load
    capacity = agent.capacity
    idle = agent.last_activity
    index = agent.index
    busy = agent.total_load > 0
    for channel, real_time, idle_slots, skill_slots, occupancy_rings, turn_rings in agent.plan:
        if load[channel] >= capacity[channel] or (busy and real_time):
            continue
        if idle_slots:
            entry = (idle, seq, version, index)
            for ring, fifo in idle_slots:
                if fifo and idle < fifo[-1][0]:
                    push_out_of_order(ring, entry, agents)
                else:
                    fifo.append(entry)
                    if len(fifo) > ring.limit:
                        compact(ring, agents)
        for offset, slots in skill_slots:
            key = offset + idle
            entry = (key, seq, version, index)
            for ring, fifo in slots:
                if fifo and key < fifo[-1][0]:
                    push_out_of_order(ring, entry, agents)
                else:
                    fifo.append(entry)
                    if len(fifo) > ring.limit:
                        compact(ring, agents)
        if occupancy_rings:
            band = load[channel] / capacity[channel]
            key = band * BAND + idle
            entry = (key, seq, version, index)
            for ring in occupancy_rings:
                band_entries = ring.fifo_for.get(band)
                if band_entries is None:
                    band_entries = band_fifo(ring, band)
                if band_entries and key < band_entries[-1][0]:
                    push_out_of_order(ring, entry, agents)
                else:
                    band_entries.append(entry)
                    if len(band_entries) > ring.limit:
                        compact(ring, agents)
        for membership, rings in turn_rings:
            entry = (membership.rr_turn, seq, version, index)
            for ring in rings:
                push_out_of_order(ring, entry, agents)


def band_fifo(ring: Ring, band: float) -> deque[AgentEntry]:
    """The ring's FIFO for `band`, made on first use."""
    fifo = ring.fifo_for.get(band)
    if fifo is None:
        fifo = ring.fifo_for[band] = deque()
        ring.fifos.append(fifo)
    return fifo


def push_out_of_order(ring: Ring, entry: AgentEntry, agents: list[AgentRuntime]) -> None:
    """Into the ring's heap (round robin, or an entry older than its FIFO's last)."""
    heap = ring.heap
    heappush(heap, entry)
    if len(heap) > ring.limit:
        compact(ring, agents)


def compact(ring: Ring, agents: list[AgentRuntime]) -> None:
    """Drop the ring's stale entries (when a FIFO or the heap grew past `ring.limit`)."""
    for fifo in ring.fifos:
        if len(fifo) > ring.limit:
            valid = [entry for entry in fifo if agents[entry[3]].version == entry[2]]
            fifo.clear()
            fifo.extend(valid)
    heap = ring.heap
    if len(heap) > ring.limit:
        heap[:] = [entry for entry in heap if agents[entry[3]].version == entry[2]]
        heapify(heap)


def pool_head(ring: Ring, agents: list[AgentRuntime]) -> AgentEntry | None:
    """The ring's best valid entry, or None; stale entries met on the way are dropped."""
    best: AgentEntry | None = None
    for fifo in ring.fifos:
        while fifo:
            entry = fifo[0]
            if agents[entry[3]].version == entry[2]:
                if best is None or entry < best:
                    best = entry
                break
            fifo.popleft()
    heap = ring.heap
    while heap:
        entry = heap[0]
        if agents[entry[3]].version == entry[2]:
            if best is None or entry < best:
                best = entry
            break
        heappop(heap)
    return best


def ordered_entries(ring: Ring) -> list[AgentEntry]:
    """Every entry of the ring (valid or not), best first: for the rare declined contact."""
    return sorted(chain(ring.heap, *ring.fifos))
