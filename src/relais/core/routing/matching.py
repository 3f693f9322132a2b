"""The matching core: agent pools, waiting lines, offers and overflow steps.

Invariant kept after every public call: no agent who can take a contact now is eligible
for a contact that is waiting. So a new contact may take the best free agent at once, and
a freed agent takes the best waiting contact it is eligible for (priority, then time).
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from typing import TYPE_CHECKING

from relais.core.routing.events import (
    AgentStateChanged,
    ContactQueued,
    OfferMade,
    OverflowStepReached,
    RoutingEvent,
)
from relais.core.routing.model import AgentState, ContactState, Strategy
from relais.core.routing.pools import (
    add_entries,
    add_entries_to_heaps,
    ordered_entries,
    pool_head,
)
from relais.core.routing.split import OUTSIDE
from relais.core.routing.split_matching import first_contact_past, pick_split_agent
from relais.core.routing.state import (
    REAL_TIME,
    AgentEntry,
    AgentRuntime,
    ContactEntry,
    ContactRuntime,
    HoursTracker,
    QueueRuntime,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MatchingCore", "Timer"]

WAITING = ContactState.WAITING
OFFERED = ContactState.OFFERED
CONNECTED = ContactState.CONNECTED
ROUND_ROBIN = Strategy.ROUND_ROBIN
BREAK = AgentState.BREAK
AVAILABLE = AgentState.AVAILABLE
WRAP_UP_STATE = AgentState.WRAP_UP
BUSY = AgentState.BUSY

# timer kinds
OFFER_TIMEOUT = 0
OVERFLOW = 1
WRAP_UP_END = 2
HOURS = 3
DISCONNECT = 4  # an unreachable agent's grace is over
SPLIT_BOUND = 5  # a contact of a split queue has waited its bound: anyone eligible may take it


type Timer = tuple[float, int, int, ContactRuntime | HoursTracker | AgentRuntime, int]


class MatchingCore:
    """State and matching machinery; `RoutingEngine` adds the public API on top."""

    def __init__(self, now: Callable[[], float], *, auto_accept: bool, state_events: bool):
        self._now = now
        self._auto_accept = auto_accept
        self._state_events = state_events
        self._timers: list[Timer] = []
        self._timer_seq = 0
        self._push_seq = 0
        self._idle_high = -math.inf  # the latest idle time used in pool keys
        self._events: list[RoutingEvent] = []
        self._to_drain: dict[str, QueueRuntime] = {}
        self._agent_list: list[AgentRuntime] = []  # by AgentRuntime.index

    # -- agent pools -------------------------------------------------------------------

    def _refresh(self, agent: AgentRuntime) -> None:
        """Invalidate the agent's pool entries and add fresh ones where it can take work."""
        version = agent.version + 1
        agent.version = version
        if (
            not agent.logged_in
            or agent.break_reason is not None
            or (agent.real_time_load and not agent.shares)
            or not agent.reachable
        ):
            return
        # One sequence number per refresh: within a ring, entries keep their push order.
        self._push_seq += 1
        idle = agent.last_activity
        if idle >= self._idle_high:
            self._idle_high = idle
            add_entries(agent, self._push_seq, version, self._agent_list)
        else:
            add_entries_to_heaps(agent, self._push_seq, version, self._agent_list)

    def _pick_agent(
        self, queue: QueueRuntime, contact: ContactRuntime, now: float
    ) -> AgentRuntime | None:
        """The best free agent among the open steps up to the contact's current step (of
        the split's open groups, largest deficit first, if the queue has a split)."""
        if queue.split is not None:
            return pick_split_agent(queue, queue.split, contact, now, self._agent_list)
        best: AgentEntry | None = None
        declined = contact.declined
        rings = queue.rings
        agents = self._agent_list
        for index in range(contact.step + 1):
            ring = rings[index]
            if not ring.open:
                continue
            entry = pool_head(ring, agents)
            if entry is None:
                continue
            if declined is not None and entry[3] in declined:
                found = _first_agent_not_in(ordered_entries(ring, agents), declined, agents)
                if found is None:
                    continue
                entry = found
            if best is None or entry < best:
                best = entry
        return None if best is None else agents[best[3]]

    # -- waiting contacts --------------------------------------------------------------

    def _best_contact_for(self, agent: AgentRuntime, now: float) -> ContactRuntime | None:
        """The waiting contact this agent should take next, over all its queues."""
        if (
            not agent.logged_in
            or agent.break_reason is not None
            or (agent.real_time_load and not agent.shares)
            or not agent.reachable
        ):
            return None  # `may_take` is False for every queue
        load, capacity = agent.load, agent.capacity
        on_call = agent.real_time_load > 0
        busy = agent.total_load > agent.shared_load  # something in hand that blocks a call
        best: ContactEntry | None = None
        for membership in agent.memberships:
            queue = membership.queue
            if not queue.waiting_count:
                continue
            channel = queue.channel
            if load[channel] >= capacity[channel]:
                continue  # as `agent.may_take(queue)`
            if busy if REAL_TIME[channel] else (on_call and not queue.shares_calls):
                continue
            lowest = -1
            for ring in membership.rings:
                if ring.open:
                    lowest = ring.index
                    break
            if lowest < 0:
                continue
            split = queue.split
            # a group over its target share takes only contacts that waited the bound
            past = (
                now - split.bound
                if split is not None
                and (membership.group == OUTSIDE or not split.open[membership.group])
                else None
            )
            waiting = queue.waiting
            for step in range(lowest, queue.last_step + 1):
                heap = waiting[step]
                entry = _clean_head(heap, step)
                if entry is None:
                    continue
                declined = entry[4].declined
                if declined is not None and agent.index in declined:
                    entry = _first_contact_not_declined_by(heap, step, agent.index)
                    if entry is None:
                        continue
                if past is not None and entry[4].queued_at > past:
                    entry = first_contact_past(heap, step, agent.index, past)
                    if entry is None:
                        continue
                if best is None or entry < best:
                    best = entry
        return None if best is None else best[4]

    def _agent_freed(self, agent: AgentRuntime, now: float) -> None:
        """The agent may take more work: give it waiting contacts, then pool it."""
        while True:
            contact = self._best_contact_for(agent, now)
            if contact is None:
                break
            contact.queue.waiting_count -= 1
            self._offer(contact, agent, now)
        self._refresh(agent)

    def _drain(self, queue: QueueRuntime, now: float) -> None:
        """Offer the queue's waiting contacts, best first, while eligible agents are free."""
        waiting = queue.waiting
        floor = 0  # steps below `floor` can find nobody: their eligible agents are a subset
        held: list[ContactEntry] = []
        while queue.waiting_count > len(held):
            best: ContactEntry | None = None
            best_step = -1
            for step in range(floor, queue.last_step + 1):
                entry = _clean_head(waiting[step], step)
                if entry is not None and (best is None or entry < best):
                    best, best_step = entry, step
            if best is None:
                break
            contact = best[4]
            agent = self._pick_agent(queue, contact, now)
            if agent is None:
                if contact.declined or (
                    queue.split is not None and contact.queued_at + queue.split.bound > now
                ):
                    held.append(heappop(waiting[best_step]))
                else:
                    floor = best_step + 1
                continue
            heappop(waiting[best_step])
            queue.waiting_count -= 1
            self._offer(contact, agent, now)
            self._refresh(agent)
        for entry in held:
            heappush(waiting[entry[4].step], entry)

    def _enqueue(self, contact: ContactRuntime, now: float, *, requeued: bool) -> None:
        """Put the contact in its queue's line at its own place (priority, place, seq)."""
        queue = contact.queue
        contact.state = WAITING
        contact.agent = None
        contact.token += 1
        heappush(
            queue.waiting[contact.step],
            (-contact.priority, contact.place, contact.seq, contact.token, contact),
        )
        queue.waiting_count += 1
        self._events.append(
            ContactQueued(now, contact.contact_id, queue.queue_id, contact.step, requeued)
        )
        self._schedule_contact_timer(contact)
        split = queue.split
        if split is not None and contact.queued_at + split.bound > now:
            self._push_timer(contact.queued_at + split.bound, SPLIT_BOUND, contact, contact.token)

    def _reach_steps(self, contact: ContactRuntime, now: float) -> bool:
        """Move the contact through the steps that fell due or are passed at once."""
        queue = contact.queue
        last = queue.last_step
        moved = False
        while contact.step < last:
            step = contact.step
            if contact.queued_at + queue.steps_after[step + 1] <= now:
                early = False
            elif queue.skip_flags[step] and queue.rings[step].passable:
                early = True
            else:
                break
            contact.step = step + 1
            moved = True
            self._events.append(
                OverflowStepReached(now, contact.contact_id, queue.queue_id, step + 1, early)
            )
        return moved

    def _schedule_contact_timer(self, contact: ContactRuntime) -> None:
        queue = contact.queue
        if contact.step < queue.last_step:
            due = contact.queued_at + queue.steps_after[contact.step + 1]
        elif queue.config.exhausted.action != "keep_waiting" and not contact.callback_offered:
            due = contact.queued_at + queue.exhausted_after
        else:
            contact.wake_at = math.inf
            return
        contact.wake_at = due
        self._push_timer(due, OVERFLOW, contact, contact.token)

    def _push_timer(
        self,
        due: float,
        kind: int,
        subject: ContactRuntime | HoursTracker | AgentRuntime,
        token: int,
    ) -> None:
        self._timer_seq += 1
        heappush(self._timers, (due, self._timer_seq, kind, subject, token))

    # -- offers ------------------------------------------------------------------------

    def _offer(
        self, contact: ContactRuntime, agent: AgentRuntime, now: float, *, direct: bool = False
    ) -> None:
        """Reserve the agent's capacity for the contact (the caller refreshes the agent)."""
        queue = contact.queue
        agent.hold(queue, 1)
        agent.last_activity = now
        agent.contacts[contact.seq] = contact
        contact.agent = agent
        split = queue.split
        if split is not None:
            membership = agent.by_queue.get(queue.queue_id)
            if split.record(OUTSIDE if membership is None else membership.group):
                self._to_drain[queue.queue_id] = queue  # a group opened: its agents may take
        contact.direct = direct
        contact.token += 1
        if queue.strategy is ROUND_ROBIN:
            membership = agent.by_queue.get(queue.queue_id)
            if membership is not None:
                membership.rr_turn = queue.rr_counter
                queue.rr_counter += 1
        if self._auto_accept:
            contact.state = CONNECTED
            contact.started_at = now
            agent.missed = 0
            expires = math.inf
        else:
            contact.state = OFFERED
            expires = now + queue.config.offer_timeout_s
            self._push_timer(expires, OFFER_TIMEOUT, contact, contact.token)
        self._events.append(
            OfferMade(
                now,
                contact.contact_id,
                agent.agent_id,
                queue.queue_id,
                contact.step,
                expires,
                self._auto_accept,
                direct,
            )
        )
        self._note_state(agent, now)

    def _release(self, contact: ContactRuntime, agent: AgentRuntime, now: float) -> None:
        """Give back the capacity the contact held (the caller refreshes the agent)."""
        agent.hold(contact.queue, -1)
        if contact.state is ContactState.WRAP_UP:
            agent.wrap_count -= 1
        del agent.contacts[contact.seq]
        agent.last_activity = now
        contact.agent = None

    def _note_state(self, agent: AgentRuntime, now: float) -> None:
        """Record the agent's state and tell the caller when it changed."""
        if not agent.logged_in:
            state = agent.offline_state
        elif agent.break_reason is not None:
            state = BREAK
        elif not agent.total_load:
            state = AVAILABLE
        elif agent.wrap_count == agent.total_load:
            state = WRAP_UP_STATE
        else:
            state = BUSY
        if state is not agent.state:
            agent.state = state
            if self._state_events:
                self._events.append(
                    AgentStateChanged(now, agent.agent_id, state, agent.break_reason)
                )


def _clean_head(heap: list[ContactEntry], step: int) -> ContactEntry | None:
    while heap:
        entry = heap[0]
        contact = entry[4]
        if contact.token == entry[3] and contact.step == step:
            return entry
        heappop(heap)
    return None


def _first_contact_not_declined_by(
    heap: list[ContactEntry], step: int, agent_index: int
) -> ContactEntry | None:
    for entry in sorted(heap):
        contact = entry[4]
        if contact.token != entry[3] or contact.step != step:
            continue
        if contact.declined is None or agent_index not in contact.declined:
            return entry
    return None


def _first_agent_not_in(
    entries: list[AgentEntry], declined: set[int], agents: list[AgentRuntime]
) -> AgentEntry | None:
    for entry in entries:
        if agents[entry[3]].version == entry[2] and entry[3] not in declined:
            return entry
    return None
