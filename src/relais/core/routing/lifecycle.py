"""How contacts move through their life: timers falling due, returns, transfers.

The part of the engine between the matching core and the public API: what happens when
an overflow step, an offer timeout, a wrap-up end or an opening-hours change falls due,
and how a contact is routed, taken back, detached or moved to another queue.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from typing import cast

from relais.core.routing.events import (
    CallbackOffered,
    ContactDropped,
    ContactTransferred,
    OfferExpired,
    OfferWithdrawn,
    StepHoursChanged,
    WrapUpEnded,
)
from relais.core.routing.matching import (
    DISCONNECT,
    HOURS,
    OFFER_TIMEOUT,
    OVERFLOW,
    SPLIT_BOUND,
    MatchingCore,
    Timer,
)
from relais.core.routing.model import (
    AgentState,
    BreakReason,
    ContactId,
    ContactState,
    ExhaustedAction,
    InProgress,
)
from relais.core.routing.state import AgentRuntime, ContactRuntime, HoursTracker, QueueRuntime

__all__ = ["LifecycleCore", "holder"]

WAITING = ContactState.WAITING
OFFERED = ContactState.OFFERED
WRAP_UP = ContactState.WRAP_UP


def holder(contact: ContactRuntime) -> AgentRuntime:
    """The agent an offered, connected or wrapping-up contact is with."""
    if contact.agent is None:
        raise RuntimeError(f"contact {contact.contact_id} has no agent in state {contact.state}")
    return contact.agent


class LifecycleCore(MatchingCore):
    _queues: dict[str, QueueRuntime]
    _contacts: dict[ContactId, ContactRuntime]
    _missed_limit: int

    def _drain_pending(self, now: float) -> None:
        while self._to_drain:
            queues = list(self._to_drain.values())
            self._to_drain.clear()
            for queue in queues:
                self._drain(queue, now)

    def _timer_live(self, timer: Timer) -> bool:
        due, _, kind, subject, token = timer
        if subject.token != token:
            return False
        if kind == HOURS:
            return True
        if kind == DISCONNECT:
            agent = cast("AgentRuntime", subject)
            return agent.logged_in and not agent.reachable
        contact = cast("ContactRuntime", subject)  # every other timer is a contact's
        if kind == OVERFLOW:
            return contact.state is WAITING and contact.wake_at == due
        if kind == SPLIT_BOUND:
            return contact.state is WAITING
        if kind == OFFER_TIMEOUT:
            return contact.state is OFFERED
        return contact.state is WRAP_UP

    def _run_due(self, now: float) -> None:
        timers = self._timers
        while timers and timers[0][0] <= now:
            timer = heappop(timers)
            if not self._timer_live(timer):
                continue
            due, _, kind, subject, _ = timer
            if kind == HOURS:
                self._hours_changed(cast("HoursTracker", subject), due)
                continue
            if kind == DISCONNECT:
                self._leave(
                    cast("AgentRuntime", subject), due, InProgress.REQUEUE, disconnected=True
                )
                continue
            contact = cast("ContactRuntime", subject)
            if kind == OVERFLOW:
                self._overflow_due(contact, due)
            elif kind == SPLIT_BOUND:
                self._to_drain[contact.queue.queue_id] = contact.queue
            elif kind == OFFER_TIMEOUT:
                self._offer_expired(contact, due)
            else:
                self._finish_wrap_up(contact, due)
        if self._to_drain:
            self._drain_pending(now)

    def _leave(
        self, agent: AgentRuntime, now: float, in_progress: InProgress, *, disconnected: bool
    ) -> None:
        """The agent leaves routing (logs out, or is disconnected): pending offers go back
        to their place; contacts in hand are re-queued (or dropped); wrap-ups end."""
        self._count_logged_in(agent, -1)
        agent.logged_in = False
        agent.break_reason = None
        agent.offline_state = AgentState.DISCONNECTED if disconnected else AgentState.OFFLINE
        why = "agent_disconnected" if disconnected else "agent_logged_out"
        for contact in list(agent.contacts.values()):
            if contact.state is WRAP_UP:
                self._finish_wrap_up(contact, now)
                continue
            if contact.state is OFFERED:
                self._events.append(OfferWithdrawn(now, contact.contact_id, agent.agent_id, why))
            elif in_progress is InProgress.DROP:
                self._release(contact, agent, now)
                contact.token += 1
                del self._contacts[contact.contact_id]
                self._events.append(ContactDropped(now, contact.contact_id, agent.agent_id))
                continue
            self._release(contact, agent, now)
            self._reach_steps(contact, now)
            self._enqueue(contact, now, requeued=True)
            self._to_drain[contact.queue.queue_id] = contact.queue
        self._note_state(agent, now)
        self._refresh(agent)

    def _count_logged_in(self, agent: AgentRuntime, delta: int) -> None:
        """Steps count the agents who could be offered a contact: logged in and reachable."""
        if agent.logged_in and agent.reachable:
            for membership in agent.memberships:
                for ring in membership.rings:
                    ring.logged_in += delta
                    ring.limit = max(64, 4 * ring.logged_in)

    def _hours_changed(self, tracker: HoursTracker, at: float) -> None:
        is_open = tracker.schedule.is_open(at)
        tracker.token += 1
        tracker.next_change = tracker.schedule.next_change(at)
        if tracker.next_change < math.inf:
            self._push_timer(tracker.next_change, HOURS, tracker, tracker.token)
        if is_open == tracker.open:
            return
        tracker.open = is_open
        for ring in tracker.rings:
            ring.open = is_open
            queue = ring.queue
            self._events.append(StepHoursChanged(at, queue.queue_id, ring.index, is_open))
            if is_open:
                self._to_drain[queue.queue_id] = queue

    def _overflow_due(self, contact: ContactRuntime, at: float) -> None:
        queue = contact.queue
        if contact.step < queue.last_step:
            if self._reach_steps(contact, at):
                heappush(
                    queue.waiting[contact.step],
                    (-contact.priority, contact.place, contact.seq, contact.token, contact),
                )
                self._to_drain[queue.queue_id] = queue
            self._schedule_contact_timer(contact)
            return
        exhausted = queue.config.exhausted
        if exhausted.action is ExhaustedAction.OFFER_CALLBACK:
            contact.callback_offered = True
            contact.wake_at = math.inf
            self._events.append(CallbackOffered(at, contact.contact_id, queue.queue_id))
        elif exhausted.action is ExhaustedAction.MOVE_TO_QUEUE and exhausted.queue_id:
            self._move(contact, self._queues[exhausted.queue_id], at, "exhausted")

    def _offer_expired(self, contact: ContactRuntime, at: float) -> None:
        agent = holder(contact)
        agent.missed += 1
        self._events.append(OfferExpired(at, contact.contact_id, agent.agent_id, agent.missed))
        if self._missed_limit and agent.missed >= self._missed_limit:
            agent.missed = 0
            agent.break_reason = BreakReason.MISSED_OFFERS
        self._take_back(contact, agent, at, decline=False)

    def _take_back(
        self, contact: ContactRuntime, agent: AgentRuntime, at: float, *, decline: bool
    ) -> None:
        """The offer came back: the contact returns to its place (a declining agent will not
        be offered it again; a silent one may, until the missed-offers rule stops them)."""
        self._release(contact, agent, at)
        if decline:
            if contact.declined is None:
                contact.declined = set()
            contact.declined.add(agent.index)
        self._note_state(agent, at)
        self._reach_steps(contact, at)
        self._enqueue(contact, at, requeued=True)
        self._agent_freed(agent, at)
        self._to_drain[contact.queue.queue_id] = contact.queue

    def _finish_wrap_up(self, contact: ContactRuntime, at: float) -> None:
        agent = holder(contact)
        self._release(contact, agent, at)
        contact.token += 1
        del self._contacts[contact.contact_id]
        self._events.append(WrapUpEnded(at, contact.contact_id, agent.agent_id))
        self._note_state(agent, at)
        self._agent_freed(agent, at)

    def _route(self, contact: ContactRuntime, now: float) -> None:
        """A contact enters its queue: the best free eligible agent, or the line."""
        self._reach_steps(contact, now)
        agent = self._pick_agent(contact.queue, contact, now)
        if agent is None:
            self._enqueue(contact, now, requeued=False)
        else:
            self._offer(contact, agent, now)
            self._refresh(agent)

    def _detach(self, contact: ContactRuntime, now: float) -> AgentRuntime | None:
        """Take the contact out of the line or off its agent; returns the agent to refresh."""
        agent = contact.agent
        if contact.state is WAITING:
            contact.queue.waiting_count -= 1
        elif agent is not None:
            if contact.state is OFFERED:
                self._events.append(
                    OfferWithdrawn(now, contact.contact_id, agent.agent_id, "transferred")
                )
            self._release(contact, agent, now)
            self._note_state(agent, now)
        contact.token += 1
        return agent

    def _move(
        self,
        contact: ContactRuntime,
        target: QueueRuntime,
        now: float,
        why: str,
        priority: int | None = None,
    ) -> None:
        """Into another queue, at the back of its priority (the target's, unless given)."""
        agent = self._detach(contact, now)
        source = contact.queue.queue_id
        contact.queue = target
        contact.queued_at = contact.place = now
        contact.at_head = False
        contact.step = 0
        contact.declined = None
        contact.callback_offered = False
        contact.priority = target.priority if priority is None else priority
        self._events.append(
            ContactTransferred(now, contact.contact_id, source, target.queue_id, None, why)
        )
        self._route(contact, now)
        if agent is not None:
            self._agent_freed(agent, now)
