"""Rebuild the router's engine from the record (on start, after a failover or a conflict).

Read in one snapshot: the configuration, the logged-in agents, the live contacts and the
last event id. Waiting contacts keep their original queued time, priority and step (and a
call put back at the head of its queue stays there);
offered, accepted and wrapping-up contacts stay with their agent until their deadline.
A contact held by an agent who has logged out in the meantime goes back to its queue
(wrap-up: closed); a contact created but not yet routed arrives now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection, transaction

from relais.apps.interactions.cursor import LogCursor
from relais.apps.interactions.decisions import Place
from relais.apps.interactions.models import (
    LIVE_STATES,
    OUT_STATES,
    AgentPresence,
    Contact,
    ContactState,
    PresenceState,
)
from relais.apps.router import queries
from relais.apps.router.presence import desk_standings, unreachable_since
from relais.apps.routing.config import (
    agent_profile,
    agents_for_engine,
    engine_queue,
    engine_sites,
    queues_for_engine,
)
from relais.apps.routing.holds import held_queues
from relais.apps.routing.models import Queue
from relais.core.clock import Clock, from_datetime
from relais.core.routing import BreakReason, RoutingEngine
from relais.core.routing import ContactState as EngineState
from relais.core.routing.holds import with_holds
from relais.core.routing.restore import AgentSnapshot, ContactSnapshot, EngineSnapshot

_HELD = {
    ContactState.OFFERED: EngineState.OFFERED,
    ContactState.ACCEPTED: EngineState.CONNECTED,
    ContactState.WRAP_UP: EngineState.WRAP_UP,
}


@dataclass
class Rebuilt:
    engine: RoutingEngine
    state: EngineSnapshot
    log: LogCursor  # the last event of the snapshot; ids missing below it watched as gaps
    places: dict[str, Place]
    queues: dict[str, int]  # code -> pk
    to_arrive: list[tuple[int, str, int]]  # created, not yet routed: (pk, queue, priority)
    requeue: list[int] = field(default_factory=list)  # held by an agent who left
    close: list[int] = field(default_factory=list)  # in wrap-up with an agent who left


def rebuild(
    clock: Clock, *, missed_offers_limit: int = 3, seed: int = 0, grace_s: float | None = None
) -> Rebuilt:
    """`grace_s`: agents are reachable only through their desktops' connections, and leave
    routing after that long without one (docs/presence.md); None: always reachable."""
    outermost = not connection.in_atomic_block  # a test's transaction: already a snapshot
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            queries.snapshot_isolation()
        return _read(clock, missed_offers_limit, seed, grace_s)


def _read(clock: Clock, missed_offers_limit: int, seed: int, grace_s: float | None) -> Rebuilt:
    log = LogCursor.at_end(clock.now())
    queue_rows = list(queues_for_engine())
    engine = RoutingEngine(
        clock,
        sites=engine_sites(),
        queues=[engine_queue(queue) for queue in queue_rows],
        missed_offers_limit=missed_offers_limit,
        seed=seed,
        disconnect_grace_s=grace_s,
    )
    queues = {queue.code: queue.pk for queue in queue_rows}
    for queue in queue_rows:
        _restore_split_window(engine, queue)
    places: dict[str, Place] = {}
    holds = held_queues()
    for agent in agents_for_engine().select_related("site"):
        engine.add_agent(with_holds(agent_profile(agent), holds.get(agent.pk, ())))
        places[str(agent.pk)] = Place(agent.site_id, agent.site.partner_id)
    presences = list(AgentPresence.objects.exclude(state__in=OUT_STATES).filter(agent__active=True))
    standings = desk_standings([p.agent_id for p in presences]) if grace_s is not None else {}
    now = clock.now()
    agents = tuple(
        AgentSnapshot(
            str(p.agent_id),
            BreakReason(p.break_reason) if p.state == PresenceState.BREAK else None,
            from_datetime(p.idle_since),
            p.missed_offers,
            None if grace_s is None else unreachable_since(standings.get(p.agent_id), now),
        )
        for p in presences
    )
    logged_in = {snapshot.agent_id for snapshot in agents}
    result = Rebuilt(engine, EngineSnapshot(agents), log, places, queues, [])
    contacts: list[ContactSnapshot] = []
    rows = (
        Contact.objects.filter(state__in=LIVE_STATES)
        .select_related("queue")
        .order_by("queued_at", "id")
    )
    for contact in rows:
        code = contact.queue.code
        if code not in queues:
            continue  # an inactive queue: its contacts wait for it to be active again
        if contact.state == ContactState.CREATED:
            result.to_arrive.append((contact.pk, code, contact.priority))
            continue
        agent_id = None if contact.agent_id is None else str(contact.agent_id)
        state = _HELD.get(ContactState(contact.state), EngineState.WAITING)
        if state is not EngineState.WAITING and agent_id not in logged_in:
            if state is EngineState.WRAP_UP:
                result.close.append(contact.pk)
                continue
            result.requeue.append(contact.pk)
            state, agent_id = EngineState.WAITING, None
        contacts.append(_contact(contact, code, state, agent_id, places))
    result.to_arrive.sort()
    result.state = EngineSnapshot(agents, tuple(contacts))
    return result


def _restore_split_window(engine: RoutingEngine, queue: Queue) -> None:
    """A split queue balances over its last offers: those of the record, so that a rebuild
    (every configuration change is one) does not start the shares afresh."""
    if not queue.split_shares.all():
        return
    offered = (
        Contact.objects.filter(queue=queue, offered_at__isnull=False, agent__isnull=False)
        .order_by("-offered_at", "-id")
        .values_list("agent__site_id", flat=True)[: queue.split_window_contacts]
    )
    engine.restore_split_window(queue.code, [str(site_id) for site_id in reversed(offered)])


def _contact(
    contact: Contact,
    code: str,
    state: EngineState,
    agent_id: str | None,
    places: dict[str, Place],
) -> ContactSnapshot:
    queued_at = contact.queued_at or contact.created_at
    until = math.inf
    if state is EngineState.OFFERED and contact.offer_expires_at is not None:
        until = from_datetime(contact.offer_expires_at)
    elif state is EngineState.WRAP_UP and contact.wrap_up_until is not None:
        until = from_datetime(contact.wrap_up_until)
    since = contact.accepted_at or contact.offered_at or queued_at
    return ContactSnapshot(
        contact_id=contact.pk,
        queue_id=code,
        state=state,
        queued_at=from_datetime(queued_at),
        priority=contact.priority,
        step=contact.overflow_step,
        agent_id=agent_id,
        since=from_datetime(since),
        until=until,
        declined=frozenset(str(pk) for pk in contact.declined_by if str(pk) in places),
        at_head=contact.at_head,
    )
