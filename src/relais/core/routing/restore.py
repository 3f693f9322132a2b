"""Snapshot and restore: rebuild an engine's live state after a restart or a failover.

The live router keeps the record in its database; when it starts (or a standby takes
over) it describes what the database says as an `EngineSnapshot` and calls `restore` on a
fresh engine: logged-in agents with their breaks, contacts with an agent (offered,
connected, in wrap-up, with their deadlines) and waiting contacts with their ORIGINAL
queued time, priority and overflow step, so that the line keeps its order.

`snapshot(engine)` gives the same description from a running engine; tests use the round
trip to check that a restored engine behaves exactly like the one it was taken from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from heapq import heappush

from relais.core.routing.engine import RoutingEngine
from relais.core.routing.errors import RoutingError, RoutingErrorCode
from relais.core.routing.events import AgentStateChanged, RoutingEvent
from relais.core.routing.matching import OFFER_TIMEOUT, WRAP_UP_END
from relais.core.routing.model import BreakReason, ContactId, ContactState
from relais.core.routing.state import AgentRuntime, ContactRuntime, put_at_head

__all__ = ["AgentSnapshot", "ContactSnapshot", "EngineSnapshot", "restore", "snapshot"]

_E = RoutingErrorCode


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    """A logged-in agent (agents absent from a snapshot are logged out)."""

    agent_id: str
    break_reason: BreakReason | None = None
    idle_since: float = 0.0  # last offer or release: the longest-idle strategy's key
    missed_in_a_row: int = 0
    # when the agent's last connection was lost (None: connected); with the engine's
    # `disconnect_grace_s` only
    unreachable_since: float | None = None


@dataclass(frozen=True, slots=True)
class ContactSnapshot:
    """A contact still in the engine.

    `queued_at` is when it entered its current queue (its place in the line, unless
    `at_head`: before every contact of its priority queued normally); `since` is
    when handling started (connected); `until` is the offer's deadline (offered) or the
    end of wrap-up (wrap-up). `declined` lists the agents who rejected it.
    """

    contact_id: ContactId
    queue_id: str
    state: ContactState
    queued_at: float
    priority: int
    step: int = 0
    agent_id: str | None = None
    since: float = 0.0
    until: float = 0.0
    declined: frozenset[str] = frozenset()
    direct: bool = False
    callback_offered: bool = False
    at_head: bool = False  # put back at the head of its queue (its agent was lost)


@dataclass(frozen=True, slots=True)
class EngineSnapshot:
    """Contacts in arrival order (it breaks ties between equal queued times)."""

    agents: tuple[AgentSnapshot, ...] = ()
    contacts: tuple[ContactSnapshot, ...] = field(default_factory=tuple)


def snapshot(engine: RoutingEngine) -> EngineSnapshot:
    """What a database would hold about the engine's live state."""
    by_index = {agent.index: agent.agent_id for agent in engine._agents.values()}
    agents = tuple(
        AgentSnapshot(
            a.agent_id,
            a.break_reason,
            a.last_activity,
            a.missed,
            None if a.reachable else a.unreachable_since,
        )
        for a in engine._agents.values()
        if a.logged_in
    )
    contacts: list[ContactSnapshot] = []
    for contact in sorted(engine._contacts.values(), key=lambda c: c.seq):
        until = 0.0
        if contact.state is not ContactState.WAITING:
            until = _deadline(engine, contact)
        contacts.append(
            ContactSnapshot(
                contact_id=contact.contact_id,
                queue_id=contact.queue.queue_id,
                state=contact.state,
                queued_at=contact.queued_at,
                priority=contact.priority,
                step=contact.step,
                agent_id=None if contact.agent is None else contact.agent.agent_id,
                since=contact.started_at,
                until=until,
                declined=frozenset(by_index[i] for i in contact.declined or ()),
                direct=contact.direct,
                callback_offered=contact.callback_offered,
                at_head=contact.at_head,
            )
        )
    return EngineSnapshot(agents, tuple(contacts))


def _deadline(engine: RoutingEngine, contact: ContactRuntime) -> float:
    """The due time of the contact's live offer-timeout or wrap-up timer."""
    kind = OFFER_TIMEOUT if contact.state is ContactState.OFFERED else WRAP_UP_END
    for due, _, timer_kind, subject, token in engine._timers:
        if subject is contact and timer_kind == kind and token == contact.token:
            return due
    return float("inf")


def restore(engine: RoutingEngine, state: EngineSnapshot) -> list[RoutingEvent]:
    """Bring a fresh engine (agents added, none logged in, no contact) to `state`.

    Returns what falls due at once: overflow steps reached while nobody was routing,
    deadlines already past, and offers of waiting contacts to agents free now. The
    agents' restored states are not reported (the record already holds them).
    Raises `RoutingError` (and the engine must be discarded) on an inconsistent state:
    unknown agent, queue or contact twice, a contact with an agent who is logged out.
    """
    if engine._contacts or any(agent.logged_in for agent in engine._agents.values()):
        raise RoutingError(_E.INVALID_TRANSITION, "restore needs a fresh engine")
    now = engine._now()
    restored = [_restore_agent(engine, data) for data in state.agents]
    for data in state.contacts:
        _restore_contact(engine, data, now)
    for agent in restored:
        engine._note_state(agent, now)
    engine._events = [e for e in engine._events if not isinstance(e, AgentStateChanged)]
    for agent in engine._agents.values():
        engine._refresh(agent)
    for queue in engine._queues.values():
        if queue.waiting_count:
            engine._to_drain[queue.queue_id] = queue
    return engine._end(engine._begin())


def _restore_agent(engine: RoutingEngine, data: AgentSnapshot) -> AgentRuntime:
    agent = engine._agent(data.agent_id)
    if agent.logged_in:
        raise RoutingError(_E.DUPLICATE_AGENT, f"agent {data.agent_id} restored twice")
    agent.logged_in = True
    agent.break_reason = data.break_reason
    agent.missed = data.missed_in_a_row
    agent.last_activity = data.idle_since
    if data.unreachable_since is None:
        agent.reachable = True
    elif engine._grace is not None:
        agent.reachable = False
        agent.unreachable_since = data.unreachable_since
        engine._start_grace(agent)
    engine._count_logged_in(agent, +1)
    return agent


def _restore_contact(engine: RoutingEngine, data: ContactSnapshot, now: float) -> None:
    if data.contact_id in engine._contacts:
        raise RoutingError(_E.DUPLICATE_CONTACT, f"contact {data.contact_id} restored twice")
    queue = engine._queue(data.queue_id)
    engine._seq += 1
    contact = ContactRuntime(data.contact_id, engine._seq, queue, data.priority, data.queued_at)
    contact.step = max(0, min(data.step, queue.last_step))
    contact.direct = data.direct
    contact.callback_offered = data.callback_offered
    if data.at_head:
        put_at_head(contact)
    if data.declined:
        contact.declined = {engine._agent(agent_id).index for agent_id in data.declined}
    if data.state is ContactState.WAITING:
        engine._contacts[data.contact_id] = contact
        engine._reach_steps(contact, now)
        contact.token += 1
        entry = (-contact.priority, contact.place, contact.seq, contact.token, contact)
        heappush(queue.waiting[contact.step], entry)
        queue.waiting_count += 1
        engine._schedule_contact_timer(contact)
        return
    agent = engine._agent(data.agent_id or "")
    if not agent.logged_in:
        raise RoutingError(_E.AGENT_UNAVAILABLE, f"{data.contact_id}: {agent.agent_id} is out")
    _attach(agent, contact)
    contact.state = data.state
    contact.token += 1
    if data.state is ContactState.OFFERED:
        engine._push_timer(data.until, OFFER_TIMEOUT, contact, contact.token)
    elif data.state is ContactState.CONNECTED:
        contact.started_at = data.since
    else:
        agent.wrap_count += 1
        engine._push_timer(data.until, WRAP_UP_END, contact, contact.token)
    engine._contacts[data.contact_id] = contact


def _attach(agent: AgentRuntime, contact: ContactRuntime) -> None:
    agent.hold(contact.queue, 1)
    agent.contacts[contact.seq] = contact
    contact.agent = agent
