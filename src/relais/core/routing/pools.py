"""Agent pools: per ring (one overflow step of one queue), the agents free for it, best first.

An agent's place in a pool is the entry `(key, refresh sequence, agent version, agent
index)`, made when the agent is refreshed; it is valid while the agent's version still
matches (every change of the agent bumps it), and stale entries are dropped lazily. The
best agent is the smallest valid entry.

The keys of three strategies are `band offset + idle time`: longest idle (one band, offset
0), best skill (band: minus the agent's skill sum for the queue), least occupied (band:
load over capacity on the channel); the offset is `band × BAND`. When a refresh's idle
time is not older than any idle time used before (the usual case: it is the time of the
agent's last offer or release, and the clock only moves on), its entries come last in
every band they join, so each band is a FIFO where adding and dropping cost O(1) instead
of the O(log n) of a heap. A FIFO holds only an integer stamp, `version << 32 | index`:
the key of a valid stamp is the band's offset plus the idle time and sequence the agent
kept from that refresh (`pool_idle`, `pool_seq`), so no tuple is built per entry and the
garbage collector has nothing to track. Round-robin entries (keyed by the agent's last
turn, in no particular order) and the rare refresh with an older idle time (an agent
restored, a profile update) go to the ring's heap as full tuples. The best entry is the
smallest of the FIFOs' valid heads and the heap's valid head.
"""

from __future__ import annotations

from collections import deque
from heapq import heapify, heappop, heappush

from relais.core.routing.model import Strategy
from relais.core.routing.state import (
    REAL_TIME,
    AgentEntry,
    AgentRuntime,
    Band,
    ChannelPlan,
    Membership,
    QueueRuntime,
    Ring,
)

__all__ = [
    "BAND",
    "ChannelPlan",
    "add_entries",
    "add_entries_to_heaps",
    "ordered_entries",
    "plan_pools",
    "pool_entries",
    "pool_head",
]

# A strategy's first criterion (its band), scaled past any epoch time; idle time follows.
BAND = 1e11
_SHIFT = 32  # stamp = version << _SHIFT | agent index
_INDEX = (1 << _SHIFT) - 1


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


def band_of(ring: Ring, band: float) -> Band:
    """The ring's band, made on first use."""
    found = ring.band_for.get(band)
    if found is None:
        found = ring.band_for[band] = Band(band * BAND)
        ring.bands.append(found)
    return found


def plan_pools(agent: AgentRuntime) -> tuple[ChannelPlan, ...]:
    """The agent's pool plan, per channel (made again when its memberships change)."""
    if agent.index > _INDEX:
        raise ValueError("too many agents for the pool stamps")
    plans: list[ChannelPlan] = []
    kinds = {(m.queue.channel, m.queue.shares_calls) for m in agent.memberships}
    for channel, shares in sorted(kinds):
        fixed: list[tuple[Ring, deque[int]]] = []
        occupancy: list[Ring] = []
        turn: list[tuple[Membership, tuple[Ring, ...]]] = []
        for membership in agent.memberships:
            if (membership.queue.channel, membership.queue.shares_calls) != (channel, shares):
                continue
            rings = pool_rings(membership)
            strategy = membership.queue.strategy
            if strategy is Strategy.LONGEST_IDLE:
                fixed.extend((ring, band_of(ring, 0.0).stamps) for ring in rings)
            elif strategy is Strategy.BEST_SKILL:
                fixed.extend((ring, band_of(ring, membership.score).stamps) for ring in rings)
            elif strategy is Strategy.LEAST_OCCUPIED:
                occupancy.extend(rings)
            else:
                turn.append((membership, rings))
        plans.append(
            ChannelPlan(
                channel, REAL_TIME[channel], shares, tuple(fixed), tuple(occupancy), tuple(turn)
            )
        )
    return tuple(plans)


def add_entries(agent: AgentRuntime, seq: int, version: int, agents: list[AgentRuntime]) -> None:
    """The agent (ready) joins the pools it fits, at the end of each band: its idle time is
    not older than any used before."""
    load = agent.load
    capacity = agent.capacity
    on_call = agent.real_time_load > 0
    busy = agent.total_load > agent.shared_load  # something in hand that blocks a call
    index = agent.index
    stamp = version << _SHIFT | index
    agent.pool_idle = agent.last_activity
    agent.pool_seq = seq
    for channel, real_time, shares, fixed, occupancy, turn in agent.plan:
        if load[channel] >= capacity[channel]:
            continue
        if busy if real_time else (on_call and not shares):
            continue
        for ring, stamps in fixed:
            stamps.append(stamp)
            if len(stamps) > ring.limit:
                compact(ring, agents)
        if occupancy:
            band = load[channel] / capacity[channel]
            for ring in occupancy:
                found = ring.band_for.get(band)
                stamps = (band_of(ring, band) if found is None else found).stamps
                stamps.append(stamp)
                if len(stamps) > ring.limit:
                    compact(ring, agents)
        for membership, rings in turn:
            entry = (membership.rr_turn, seq, version, index)
            for ring in rings:
                push_to_heap(ring, entry, agents)


def add_entries_to_heaps(
    agent: AgentRuntime, seq: int, version: int, agents: list[AgentRuntime]
) -> None:
    """Like `add_entries`, every entry a full tuple in the rings' heaps (any idle time)."""
    load = agent.load
    capacity = agent.capacity
    on_call = agent.real_time_load > 0
    busy = agent.total_load > agent.shared_load
    idle = agent.last_activity
    agent.pool_idle = idle
    agent.pool_seq = seq
    for membership in agent.memberships:
        queue = membership.queue
        channel = queue.channel
        if load[channel] >= capacity[channel]:
            continue
        if busy if REAL_TIME[channel] else (on_call and not queue.shares_calls):
            continue
        key = _key(membership.queue, membership, load[channel] / capacity[channel], idle)
        entry = (key, seq, version, agent.index)
        for ring in pool_rings(membership):
            push_to_heap(ring, entry, agents)


def _key(queue: QueueRuntime, membership: Membership, occupancy: float, idle: float) -> float:
    strategy = queue.strategy
    if strategy is Strategy.LONGEST_IDLE:
        return idle
    if strategy is Strategy.BEST_SKILL:
        return membership.score * BAND + idle
    if strategy is Strategy.LEAST_OCCUPIED:
        return occupancy * BAND + idle
    return membership.rr_turn


def push_to_heap(ring: Ring, entry: AgentEntry, agents: list[AgentRuntime]) -> None:
    heap = ring.heap
    heappush(heap, entry)
    if len(heap) > ring.limit:
        compact(ring, agents)


def compact(ring: Ring, agents: list[AgentRuntime]) -> None:
    """Drop the ring's stale entries (when a FIFO or the heap grew past `ring.limit`)."""
    for band in ring.bands:
        stamps = band.stamps
        if len(stamps) > ring.limit:
            valid = [s for s in stamps if agents[s & _INDEX].version == s >> _SHIFT]
            stamps.clear()
            stamps.extend(valid)
    heap = ring.heap
    if len(heap) > ring.limit:
        heap[:] = [entry for entry in heap if agents[entry[3]].version == entry[2]]
        heapify(heap)


def pool_head(ring: Ring, agents: list[AgentRuntime]) -> AgentEntry | None:
    """The ring's best valid entry, or None; stale entries met on the way are dropped."""
    best: AgentEntry | None = None
    for band in ring.bands:
        stamps = band.stamps
        while stamps:
            stamp = stamps[0]
            index = stamp & _INDEX
            agent = agents[index]
            version = agent.version
            if version == stamp >> _SHIFT:
                entry = (band.offset + agent.pool_idle, agent.pool_seq, version, index)
                if best is None or entry < best:
                    best = entry
                break
            stamps.popleft()
    heap = ring.heap
    while heap:
        entry = heap[0]
        if agents[entry[3]].version == entry[2]:
            if best is None or entry < best:
                best = entry
            break
        heappop(heap)
    return best


def ordered_entries(ring: Ring, agents: list[AgentRuntime]) -> list[AgentEntry]:
    """The ring's valid entries, best first (heap entries may be stale): for the rare
    contact that some agents declined."""
    return sorted(pool_entries(ring, agents))


def pool_entries(ring: Ring, agents: list[AgentRuntime]) -> list[AgentEntry]:
    """The ring's entries in no order (heap entries may be stale)."""
    entries = list(ring.heap)
    for band in ring.bands:
        for stamp in band.stamps:
            index = stamp & _INDEX
            agent = agents[index]
            if agent.version == stamp >> _SHIFT:
                entries.append(
                    (band.offset + agent.pool_idle, agent.pool_seq, agent.version, index)
                )
    return entries
