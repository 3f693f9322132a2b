"""The matching steps of a queue with a volume split (see `split.py`).

Kept apart from `matching.py`: a split queue's agent is chosen by walking the free agents
of its open steps (O(free agents)), the group with the largest deficit first, instead of
taking the head of a pool.
"""

from __future__ import annotations

from relais.core.routing.pools import pool_entries
from relais.core.routing.split import OUTSIDE, SplitRuntime
from relais.core.routing.state import (
    AgentEntry,
    AgentRuntime,
    ContactEntry,
    ContactRuntime,
    QueueRuntime,
)

__all__ = ["first_contact_past", "pick_split_agent"]


def pick_split_agent(
    queue: QueueRuntime,
    split: SplitRuntime,
    contact: ContactRuntime,
    now: float,
    agents: list[AgentRuntime],
) -> AgentRuntime | None:
    """The free agent for the contact: of the open step rings up to its step, in the group
    with the largest deficit (open groups only until the contact has waited the bound;
    then any group, agents of no group last), the best by the queue's strategy."""
    anyone = contact.queued_at + split.bound <= now
    declined = contact.declined
    queue_id = queue.queue_id
    opened = split.open
    best: tuple[int, AgentEntry] | None = None
    for index in range(contact.step + 1):
        ring = queue.rings[index]
        if not ring.open:
            continue
        for entry in pool_entries(ring, agents):
            agent = agents[entry[3]]
            if agent.version != entry[2] or (declined is not None and entry[3] in declined):
                continue
            group = agent.by_queue[queue_id].group
            if not anyone and (group == OUTSIDE or not opened[group]):
                continue
            candidate = (split.rank(group), entry)
            if best is None or candidate < best:
                best = candidate
    return None if best is None else agents[best[1][3]]


def first_contact_past(
    heap: list[ContactEntry], step: int, agent_index: int, past: float
) -> ContactEntry | None:
    """The best valid entry of the heap whose contact was queued at or before `past` (it
    has waited the split's bound) and was not declined by the agent."""
    best: ContactEntry | None = None
    for entry in heap:
        contact = entry[4]
        if contact.token != entry[3] or contact.step != step or contact.queued_at > past:
            continue
        if contact.declined is not None and agent_index in contact.declined:
            continue
        if best is None or entry < best:
            best = entry
    return best
