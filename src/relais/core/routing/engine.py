"""`RoutingEngine`: the public API of the routing engine.

Every mutating call reads the clock once, first runs the timers that fell due (offer
timeouts, overflow steps, wrap-up ends, opening-hour changes), applies the request, and
returns the events it produced, in order. Invalid requests raise `RoutingError` before
changing anything (events of timers already run are returned by the next call).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from heapq import heappop

from relais.core.clock import Clock
from relais.core.routing.errors import RoutingError, RoutingErrorCode
from relais.core.routing.events import (
    ContactAbandoned,
    ContactCompleted,
    ContactRefused,
    ContactTransferred,
    OfferAccepted,
    OfferRejected,
    OfferWithdrawn,
    RoutingEvent,
)
from relais.core.routing.lifecycle import LifecycleCore, holder
from relais.core.routing.matching import DISCONNECT, HOURS, WRAP_UP_END
from relais.core.routing.model import (
    DEFERRABLE_CHANNELS,
    AgentProfile,
    BreakReason,
    Channel,
    ContactId,
    ContactState,
    InProgress,
    QueueConfig,
    Site,
)
from relais.core.routing.pools import plan_pools
from relais.core.routing.reads import ReadsMixin
from relais.core.routing.roster import Roster
from relais.core.routing.split import OUTSIDE, group_of
from relais.core.routing.state import (
    AgentRuntime,
    ContactRuntime,
    HoursTracker,
    QueueRuntime,
    put_at_head,
)

__all__ = ["RoutingEngine"]

WAITING = ContactState.WAITING
OFFERED = ContactState.OFFERED
CONNECTED = ContactState.CONNECTED
WRAP_UP = ContactState.WRAP_UP
_E = RoutingErrorCode


class RoutingEngine(ReadsMixin, LifecycleCore):
    """The router's brain, shared by the live router service and the simulator.

    `auto_accept=True` connects every offer at once (the simulator's fast path; the same
    matching runs). `agent_state_events=False` leaves out `AgentStateChanged` events.

    `disconnect_grace_s`: agents are reachable only while the caller says a connection of
    theirs is alive (`agent_reachable`); they start unreachable, get no offer while
    unreachable, and leave routing (`AgentState.DISCONNECTED`) once unreachable and logged
    in for longer than the grace. None (the default): every agent is always reachable.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        sites: Iterable[Site],
        queues: Iterable[QueueConfig],
        missed_offers_limit: int = 3,
        seed: int = 0,
        auto_accept: bool = False,
        agent_state_events: bool = True,
        disconnect_grace_s: float | None = None,
    ) -> None:
        super().__init__(clock.now, auto_accept=auto_accept, state_events=agent_state_events)
        self._clock = clock
        self._missed_limit = missed_offers_limit
        self._grace = disconnect_grace_s
        self._sites = {site.site_id: site for site in sites}
        self._queues: dict[str, QueueRuntime] = {}
        for config in queues:
            if config.queue_id in self._queues:
                raise RoutingError(_E.DUPLICATE_QUEUE, f"queue {config.queue_id} given twice")
            self._queues[config.queue_id] = QueueRuntime(config, len(self._queues))
        for queue in self._queues.values():
            target = queue.config.exhausted.queue_id
            if target is not None and target not in self._queues:
                raise RoutingError(_E.UNKNOWN_QUEUE, f"{queue.queue_id} moves to unknown {target}")
        self._agents: dict[str, AgentRuntime] = {}
        self._contacts: dict[ContactId, ContactRuntime] = {}
        self._seq = 0
        self._roster = Roster(self._queues.values(), seed)
        self._trackers: list[HoursTracker] = []
        self._track_step_hours(clock.now())

    def _track_step_hours(self, now: float) -> None:
        for queue in self._queues.values():
            for index, step in enumerate(queue.config.steps):
                if step.hours is None:
                    continue
                tracker = next((t for t in self._trackers if t.schedule == step.hours), None)
                if tracker is None:
                    tracker = HoursTracker(step.hours, now)
                    self._trackers.append(tracker)
                    if tracker.next_change < math.inf:
                        self._push_timer(tracker.next_change, HOURS, tracker, tracker.token)
                ring = queue.rings[index]
                ring.open = tracker.open
                tracker.rings.append(ring)

    # -- plumbing ----------------------------------------------------------------------

    def _begin(self) -> float:
        now = self._now()
        if self._timers and self._timers[0][0] <= now:
            self._run_due(now)
        return now

    def _end(self, now: float) -> list[RoutingEvent]:
        if self._timers and self._timers[0][0] <= now:
            self._run_due(now)
        if self._to_drain:
            self._drain_pending(now)
        events = self._events
        self._events = []
        return events

    def _agent(self, agent_id: str) -> AgentRuntime:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise RoutingError(_E.UNKNOWN_AGENT, f"no agent {agent_id}")
        return agent

    def _contact(self, contact_id: ContactId, *states: ContactState) -> ContactRuntime:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise RoutingError(_E.UNKNOWN_CONTACT, f"no live contact {contact_id}")
        if states and contact.state not in states:
            wanted = " or ".join(states)
            raise RoutingError(
                _E.INVALID_TRANSITION, f"contact {contact_id} is {contact.state}, not {wanted}"
            )
        return contact

    def _queue(self, queue_id: str) -> QueueRuntime:
        queue = self._queues.get(queue_id)
        if queue is None:
            raise RoutingError(_E.UNKNOWN_QUEUE, f"no queue {queue_id}")
        return queue

    def restore_split_window(self, queue_id: str, site_ids: Iterable[str]) -> None:
        """Refill a split queue's window as it was (a rebuild): the sites of the agents of
        its last offers, oldest first. Call it before any contact is routed."""
        queue = self._queue(queue_id)
        split = queue.config.split
        if queue.split is None or split is None:
            return
        for site_id in site_ids:
            site = self._sites.get(site_id)
            queue.split.record(OUTSIDE if site is None else group_of(split, site))

    # -- time --------------------------------------------------------------------------

    def next_wakeup(self) -> float | None:
        """When the engine must next be woken (`wake()`), or None if nothing is pending."""
        timers = self._timers
        while timers and not self._timer_live(timers[0]):
            heappop(timers)
        return timers[0][0] if timers else None

    def wake(self) -> list[RoutingEvent]:
        """Run whatever fell due by now (the caller's timer or the simulator's calendar)."""
        return self._end(self._begin())

    # -- agents ------------------------------------------------------------------------

    def add_agent(self, profile: AgentProfile) -> None:
        """Make an agent known (logged out)."""
        if profile.agent_id in self._agents:
            raise RoutingError(_E.DUPLICATE_AGENT, f"agent {profile.agent_id} already known")
        site = self._sites.get(profile.site_id)
        if site is None:
            raise RoutingError(_E.UNKNOWN_SITE, f"no site {profile.site_id}")
        agent = AgentRuntime(profile, site, len(self._agents))
        agent.reachable = self._grace is None
        agent.unreachable_since = self._now()
        self._set_memberships(agent)
        self._agents[profile.agent_id] = agent
        self._agent_list.append(agent)

    def update_agent(self, profile: AgentProfile) -> list[RoutingEvent]:
        """New skills, languages, capacity or site; takes effect at once."""
        now = self._begin()
        agent = self._agent(profile.agent_id)
        site = self._sites.get(profile.site_id)
        if site is None:
            raise RoutingError(_E.UNKNOWN_SITE, f"no site {profile.site_id}")
        self._count_logged_in(agent, -1)
        for membership in agent.memberships:
            membership.queue.members.pop(agent.agent_id, None)
        fresh = AgentRuntime(profile, site, agent.index)
        agent.profile, agent.site, agent.capacity = profile, site, fresh.capacity
        self._set_memberships(agent)
        self._count_logged_in(agent, +1)
        self._agent_freed(agent, now)
        return self._end(now)

    def _set_memberships(self, agent: AgentRuntime) -> None:
        agent.memberships = self._roster.memberships(agent, agent.site)
        agent.by_queue = {m.queue.queue_id: m for m in agent.memberships}
        for membership in agent.memberships:
            membership.queue.members[agent.agent_id] = agent
        agent.shares = any(membership.queue.shares_calls for membership in agent.memberships)
        agent.plan = plan_pools(agent)

    def login(
        self, agent_id: str, *, break_reason: BreakReason | None = None
    ) -> list[RoutingEvent]:
        """The agent logs in, ready unless a break reason is given."""
        now = self._begin()
        agent = self._agent(agent_id)
        if agent.logged_in:
            raise RoutingError(_E.INVALID_TRANSITION, f"agent {agent_id} is already logged in")
        agent.logged_in = True
        agent.break_reason = break_reason
        agent.missed = 0
        agent.last_activity = now
        self._count_logged_in(agent, +1)
        if not agent.reachable:  # logged in without a connection: it has the grace to come
            agent.unreachable_since = now
            self._start_grace(agent)
        self._note_state(agent, now)
        self._agent_freed(agent, now)
        return self._end(now)

    def logout(
        self, agent_id: str, *, in_progress: InProgress = InProgress.REQUEUE
    ) -> list[RoutingEvent]:
        """The agent leaves: pending offers go back to their place; contacts in hand are
        re-queued (or dropped); wrap-ups end."""
        now = self._begin()
        agent = self._agent(agent_id)
        if not agent.logged_in:
            raise RoutingError(_E.INVALID_TRANSITION, f"agent {agent_id} is not logged in")
        self._leave(agent, now, in_progress, disconnected=False)
        return self._end(now)

    def agent_reachable(
        self, agent_id: str, reachable: bool, *, since: float | None = None
    ) -> list[RoutingEvent]:
        """Whether a connection of the agent's is alive (`since`: when it was lost, if not
        now). Unreachable: no new offers; pending offers and contacts in hand stay; after
        the grace, a logged-in agent leaves routing. Reachable again within the grace:
        nothing changed, and waiting contacts may be offered at once."""
        now = self._begin()
        agent = self._agent(agent_id)
        if reachable == agent.reachable:
            return self._end(now)
        agent.token += 1  # cancels a pending disconnection
        if reachable:
            agent.reachable = True
            self._count_logged_in(agent, +1)
            if agent.logged_in:
                self._agent_freed(agent, now)
        else:
            self._count_logged_in(agent, -1)
            agent.reachable = False
            agent.unreachable_since = now if since is None else min(since, now)
            self._refresh(agent)
            if agent.logged_in:
                self._start_grace(agent)
        return self._end(now)

    def _start_grace(self, agent: AgentRuntime) -> None:
        if self._grace is not None:
            agent.token += 1
            due = agent.unreachable_since + self._grace
            self._push_timer(due, DISCONNECT, agent, agent.token)

    def start_break(self, agent_id: str, reason: BreakReason) -> list[RoutingEvent]:
        """No new offers; contacts in hand and pending offers carry on."""
        now = self._begin()
        agent = self._agent(agent_id)
        if not agent.logged_in:
            raise RoutingError(_E.INVALID_TRANSITION, f"agent {agent_id} is not logged in")
        agent.break_reason = reason
        self._note_state(agent, now)
        self._refresh(agent)
        return self._end(now)

    def end_break(self, agent_id: str) -> list[RoutingEvent]:
        """The agent is ready again (also after going not-ready for missed offers)."""
        now = self._begin()
        agent = self._agent(agent_id)
        if not agent.logged_in or agent.break_reason is None:
            raise RoutingError(_E.INVALID_TRANSITION, f"agent {agent_id} is not on a break")
        agent.break_reason = None
        agent.missed = 0
        agent.last_activity = now
        self._note_state(agent, now)
        self._agent_freed(agent, now)
        return self._end(now)

    # -- contacts ----------------------------------------------------------------------

    def contact_arrived(
        self, contact_id: ContactId, queue_id: str, *, priority: int | None = None
    ) -> list[RoutingEvent]:
        """A new contact for `queue_id`: offered at once, queued, or refused (closed)."""
        now = self._begin()
        queue = self._queues.get(queue_id)
        if queue is None:
            raise RoutingError(_E.UNKNOWN_QUEUE, f"no queue {queue_id}")
        if contact_id in self._contacts:
            raise RoutingError(_E.DUPLICATE_CONTACT, f"contact {contact_id} is already routed")
        hours = queue.hours
        if hours is not None:
            if now >= queue.hours_valid_until:
                queue.hours_open = hours.is_open(now)
                queue.hours_valid_until = hours.next_change(now)
            if not queue.hours_open and Channel(queue.channel) not in DEFERRABLE_CHANNELS:
                self._events.append(ContactRefused(now, contact_id, queue_id, "closed"))
                return self._end(now)
        self._seq += 1
        contact = ContactRuntime(
            contact_id, self._seq, queue, queue.priority if priority is None else priority, now
        )
        self._contacts[contact_id] = contact
        self._route(contact, now)
        return self._end(now)

    def accept(self, contact_id: ContactId) -> list[RoutingEvent]:
        now = self._begin()
        contact = self._contact(contact_id, OFFERED)
        agent = holder(contact)
        contact.state = CONNECTED
        contact.token += 1
        contact.started_at = now
        agent.missed = 0
        self._events.append(OfferAccepted(now, contact_id, agent.agent_id))
        return self._end(now)

    def reject(self, contact_id: ContactId) -> list[RoutingEvent]:
        """The agent declines: the contact goes back to its place, never to this agent."""
        now = self._begin()
        contact = self._contact(contact_id, OFFERED)
        agent = holder(contact)
        self._events.append(OfferRejected(now, contact_id, agent.agent_id))
        self._take_back(contact, agent, now, decline=True)
        return self._end(now)

    def complete(self, contact_id: ContactId) -> list[RoutingEvent]:
        """Handling ended: wrap-up holds the capacity for the queue's wrap-up time."""
        now = self._begin()
        contact = self._contact(contact_id, CONNECTED)
        agent = holder(contact)
        queue = contact.queue
        wrap_up_s = queue.config.wrap_up_s
        queue.handle_s += 0.1 * (now - contact.started_at + wrap_up_s - queue.handle_s)
        self._events.append(
            ContactCompleted(now, contact_id, agent.agent_id, queue.queue_id, now + wrap_up_s)
        )
        if wrap_up_s > 0:
            contact.state = WRAP_UP
            contact.token += 1
            agent.wrap_count += 1
            self._push_timer(now + wrap_up_s, WRAP_UP_END, contact, contact.token)
            self._note_state(agent, now)
        else:
            self._release(contact, agent, now)
            contact.token += 1
            del self._contacts[contact_id]
            self._note_state(agent, now)
            self._agent_freed(agent, now)
        return self._end(now)

    def end_wrap_up(self, contact_id: ContactId) -> list[RoutingEvent]:
        """The agent finishes wrap-up before its time is up."""
        now = self._begin()
        self._finish_wrap_up(self._contact(contact_id, WRAP_UP), now)
        return self._end(now)

    def abandon(self, contact_id: ContactId) -> list[RoutingEvent]:
        """The customer hung up (or left the chat) while waiting or being offered."""
        now = self._begin()
        contact = self._contact(contact_id, WAITING, OFFERED)
        if contact.state is OFFERED:
            self._events.append(
                OfferWithdrawn(now, contact_id, holder(contact).agent_id, "abandoned")
            )
        agent = self._detach(contact, now)
        del self._contacts[contact_id]
        waited = now - contact.queued_at
        self._events.append(ContactAbandoned(now, contact_id, contact.queue.queue_id, waited))
        if agent is not None:
            self._agent_freed(agent, now)
        return self._end(now)

    def requeue_at_head(self, contact_id: ContactId) -> list[RoutingEvent]:
        """The agent holding the contact (offered or connected) was lost, e.g. a call whose
        agent's browser or network died: the contact goes back to the HEAD of its queue at
        once (before every contact of its priority; its queued time and overflow steps
        unchanged), the agent's capacity is freed, and it is not offered to that agent
        again. It stays at the head until it leaves the queue (answered elsewhere, moved)."""
        now = self._begin()
        contact = self._contact(contact_id, OFFERED, CONNECTED)
        agent = holder(contact)
        if contact.state is OFFERED:
            self._events.append(OfferWithdrawn(now, contact_id, agent.agent_id, "agent_lost"))
        put_at_head(contact)
        self._take_back(contact, agent, now, decline=True)
        return self._end(now)

    def transfer_to_queue(
        self, contact_id: ContactId, queue_id: str, *, priority: int | None = None
    ) -> list[RoutingEvent]:
        """Send the contact (waiting, offered or connected) to another queue."""
        now = self._begin()
        contact = self._contact(contact_id, WAITING, OFFERED, CONNECTED)
        target = self._queue(queue_id)
        self._move(contact, target, now, "transfer", priority)
        return self._end(now)

    def transfer_to_agent(self, contact_id: ContactId, agent_id: str) -> list[RoutingEvent]:
        """Offer the contact to one agent directly; refused if that agent cannot take it."""
        now = self._begin()
        contact = self._contact(contact_id, WAITING, OFFERED, CONNECTED)
        target = self._agent(agent_id)
        if target is contact.agent or not target.may_take(contact.queue):
            raise RoutingError(_E.AGENT_UNAVAILABLE, f"agent {agent_id} cannot take it now")
        previous = self._detach(contact, now)
        queue_id = contact.queue.queue_id
        self._events.append(
            ContactTransferred(now, contact_id, queue_id, None, agent_id, "transfer")
        )
        self._offer(contact, target, now, direct=True)
        self._refresh(target)
        if previous is not None:
            self._agent_freed(previous, now)
        return self._end(now)
