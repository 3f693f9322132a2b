"""The router service: the routing engine over the live record.

One `Router` holds an engine rebuilt from the database. Each `step()` reads the requests
appended to the event log since its cursor (contacts created, offers accepted, agents
logging in…), applies them to the engine in log order, runs the timers that fell due, and
writes every resulting decision through `interactions.decisions` in one transaction, with
what each agent's desktop must show (`desktop.decided`); offers reach the browsers after
commit. Any disagreement between the engine and the
record (a refused request, a conditional write that finds the record moved on) rolls the
batch back and rebuilds the engine from the record. A `queue.configuration_changed`
request (an overflow override, a priority, a queue edited) rebuilds it too, with the new
configuration. See docs/router.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.apps.desktop.decided import router_decisions_record
from relais.apps.interactions.cursor import GAP_WAIT_S
from relais.apps.interactions.decisions import decisions_record
from relais.apps.interactions.models import Contact, ContactState, EventKind
from relais.apps.router.presence import presence_sync
from relais.apps.router.rebuild import Rebuilt, rebuild
from relais.apps.router.telemetry import batch_observe
from relais.apps.routing.holds import agent_held_queues
from relais.core.clock import Clock, SystemClock
from relais.core.routing import (
    BreakReason,
    ContactAbandoned,
    ContactCompleted,
    ContactTransferred,
    OfferAccepted,
    OfferRejected,
    RoutingEngine,
    RoutingError,
    RoutingErrorCode,
    RoutingEvent,
)
from relais.core.routing.holds import holds_set
from relais.core.routing.restore import restore

logger = logging.getLogger("relais.router")

SWEEP_EVERY_S = 5.0  # look for created contacts the log did not bring (safety net)
PRESENCE_EVERY_S = 2.0  # read every desktop lease (a dead process's go stale)
BATCH = 500

#: A desktop opened or closed: the router reads the agent's leases as they are then.
_CONNECTION_KINDS = (EventKind.AGENT_CONNECTED, EventKind.AGENT_CONNECTION_LOST)

#: Engine events that repeat what a request already wrote: not written again.
_ECHOES: dict[str, tuple[type, ...]] = {
    EventKind.CONTACT_ABANDONED: (ContactAbandoned,),
    EventKind.OFFER_ACCEPTED: (OfferAccepted,),
    EventKind.OFFER_REJECTED: (OfferRejected,),
    EventKind.CONTACT_COMPLETED: (ContactCompleted,),
    EventKind.CONTACT_TRANSFERRED: (ContactTransferred,),
}


class Diverged(Exception):
    """The engine cannot follow the record: rebuild."""


class Router:
    def __init__(
        self,
        *,
        clock: Clock | None = None,
        missed_offers_limit: int = 3,
        grace_s: float | None = None,
    ) -> None:
        """`grace_s`: how long an agent without a live desktop connection stays in routing
        (default `settings.AGENT_GRACE_S`; docs/presence.md)."""
        self.clock = clock or SystemClock()
        self.missed_offers_limit = missed_offers_limit
        self.grace_s = settings.AGENT_GRACE_S if grace_s is None else grace_s
        self.state: Rebuilt | None = None
        self.rebuilds = 0
        self._next_sweep = 0.0
        self._next_presence = 0.0

    @property
    def engine(self) -> RoutingEngine:
        if self.state is None:
            raise RuntimeError("the router has not been built")
        return self.state.engine

    # -- rebuild -------------------------------------------------------------------------

    def rebuild(self) -> None:
        """A new engine from the record; what falls due at once is written at once."""
        state = rebuild(
            self.clock, missed_offers_limit=self.missed_offers_limit, grace_s=self.grace_s
        )
        self.state = state
        self.rebuilds += 1
        with transaction.atomic():
            for pk in state.requeue:  # held by an agent who logged out while nobody routed
                Contact.objects.filter(pk=pk).update(
                    state=ContactState.QUEUED, agent=None, site=None, partner=None
                )
            Contact.objects.filter(pk__in=state.close, state=ContactState.WRAP_UP).update(
                state=ContactState.CLOSED, closed_at=timezone.now(), close_reason="handled"
            )
            events = restore(state.engine, state.state)
            now = self.clock.now()
            events += presence_sync(state.engine, now)  # who is connected, logged in or not
            self._next_presence = now + PRESENCE_EVERY_S
            for pk, queue, priority in state.to_arrive:
                events += state.engine.contact_arrived(pk, queue, priority=priority)
            self._write(events)
        logger.info(
            "router rebuilt: %d agents logged in, %d live contacts, cursor %d",
            len(state.state.agents),
            len(state.state.contacts) + len(state.to_arrive),
            state.log.last,
        )

    # -- one iteration ---------------------------------------------------------------------

    def step(self) -> int:
        """Apply new requests and due timers; returns how many requests were applied."""
        state = self.state
        if state is None:
            raise RuntimeError("rebuild() first")
        requests = self._read_requests(state)
        if any(r["kind"] == EventKind.QUEUE_CONFIGURATION_CHANGED for r in requests):
            # The record already holds what every request of the batch changed: one rebuild
            # reads the new configuration and follows them all.
            self.rebuild()
            return len(requests)
        events: list[RoutingEvent] = []
        with transaction.atomic():
            connections: set[str] = set()  # desktops opened or closed: their leases, read once
            for request in requests:
                if request["kind"] in _CONNECTION_KINDS:
                    connections.add(str(request["agent_id"]))
                else:
                    events += self._apply(request)
            events += state.engine.wake()
            now = self.clock.now()
            if now >= self._next_sweep:
                events += self._sweep()
            if now >= self._next_presence:  # every lease: a dead process's go stale
                self._next_presence = now + PRESENCE_EVERY_S
                events += presence_sync(state.engine, now)
            elif connections:
                events += presence_sync(state.engine, now, connections)
            self._write(events)
        batch_observe(requests, events, timezone.now())
        return len(requests)

    def next_wakeup(self) -> float | None:
        return None if self.state is None else self.state.engine.next_wakeup()

    def _read_requests(self, state: Rebuilt) -> list[dict[str, Any]]:
        found = state.log.read(self.clock.now(), BATCH * 4)
        return [
            {
                "id": row.pk,
                "kind": row.kind,
                "contact_id": row.contact_id,
                "agent_id": row.agent_id,
                "data": row.data,
                "at": row.at,
            }
            for row in found
            if not row.by_router
        ]

    def _apply(self, request: dict[str, Any]) -> list[RoutingEvent]:
        engine = self.engine
        kind = request["kind"]
        contact = request["contact_id"]
        agent = str(request["agent_id"])
        data = request["data"]
        try:
            events = self._dispatch(engine, kind, contact, agent, data)
        except RoutingError as error:
            raise Diverged(f"{kind} #{request['id']}: {error}") from error
        echoes = _ECHOES.get(kind)
        if echoes:
            events = [
                e
                for e in events
                if not (isinstance(e, echoes) and getattr(e, "contact_id", None) == contact)
            ]
        return events

    def _dispatch(
        self, engine: RoutingEngine, kind: str, contact: int, agent: str, data: dict[str, Any]
    ) -> list[RoutingEvent]:
        if kind == EventKind.CONTACT_CREATED:
            row = Contact.objects.filter(pk=contact).values("queue__code", "priority", "state")
            found = row.first()
            if found is None or found["state"] != ContactState.CREATED:
                return []  # abandoned already, or routed by a rebuild or a sweep
            if engine.contact_state(contact) is not None:
                return []
            return engine.contact_arrived(contact, found["queue__code"], priority=found["priority"])
        if kind == EventKind.CONTACT_TRANSFERRED:
            if data.get("to_queue"):
                return engine.transfer_to_queue(contact, data["to_queue"])
            try:
                return engine.transfer_to_agent(contact, str(data["to_agent"]))
            except RoutingError as error:
                if error.code is not RoutingErrorCode.AGENT_UNAVAILABLE:
                    raise
                queue = Contact.objects.values_list("queue__code", flat=True).get(pk=contact)
                return engine.transfer_to_queue(contact, queue)  # back to its line
        if kind == EventKind.CONTACT_ABANDONED and engine.contact_state(contact) is None:
            return []  # left before it was routed
        action = _REQUESTS.get(kind)
        if action is None:
            return []
        return action(engine, contact, agent, data)

    def _sweep(self) -> list[RoutingEvent]:
        """Contacts created over GAP_WAIT_S ago and still unrouted: route them now."""
        self._next_sweep = self.clock.now() + SWEEP_EVERY_S
        cutoff = timezone.now() - dt.timedelta(seconds=GAP_WAIT_S)
        events: list[RoutingEvent] = []
        engine = self.engine
        stale = Contact.objects.filter(state=ContactState.CREATED, created_at__lt=cutoff)
        for pk, queue, priority in stale.values_list("pk", "queue__code", "priority"):
            if engine.contact_state(pk) is None and queue in self.state.queues:  # type: ignore[union-attr]
                logger.warning("contact %s was not routed: routing it now", pk)
                events += engine.contact_arrived(pk, queue, priority=priority)
        return events

    def _write(self, events: list[RoutingEvent]) -> None:
        state = self.state
        if state is None or not events:
            return
        decisions_record(events, places=state.places, queues=state.queues)
        router_decisions_record(events)  # the agents' desktop streams, in this transaction


def _break(engine: RoutingEngine, contact: int, agent: str, data: dict[str, Any]) -> Any:
    return engine.start_break(agent, BreakReason(data.get("reason") or "other"))


def _holds(engine: RoutingEngine, contact: int, agent: str, data: dict[str, Any]) -> Any:
    """The agent's holds as the record has them now (another source may have changed them in
    the meantime); an agent the engine does not route (inactive) has nothing to follow."""
    try:
        return holds_set(engine, agent, agent_held_queues(int(agent)))
    except RoutingError as error:
        if error.code is not RoutingErrorCode.UNKNOWN_AGENT:
            raise
        return []


def _login(engine: RoutingEngine, contact: int, agent: str, data: dict[str, Any]) -> Any:
    reason = data.get("break_reason")
    return engine.login(agent, break_reason=BreakReason(reason) if reason else None)


_REQUESTS: dict[str, Callable[[RoutingEngine, int, str, dict[str, Any]], list[RoutingEvent]]] = {
    EventKind.CONTACT_ABANDONED: lambda e, c, a, d: e.abandon(c),
    EventKind.OFFER_ACCEPTED: lambda e, c, a, d: e.accept(c),
    EventKind.OFFER_REJECTED: lambda e, c, a, d: e.reject(c),
    EventKind.CONTACT_COMPLETED: lambda e, c, a, d: e.complete(c),
    EventKind.CONTACT_REQUEUED: lambda e, c, a, d: e.requeue_at_head(c),
    EventKind.AGENT_LOGGED_IN: _login,
    EventKind.AGENT_LOGGED_OUT: lambda e, c, a, d: e.logout(a),
    EventKind.AGENT_BREAK_STARTED: _break,
    EventKind.AGENT_BREAK_ENDED: lambda e, c, a, d: e.end_break(a),
    EventKind.AGENT_HOLDS_CHANGED: _holds,
}


def wait_hint(router: Router, poll_s: float) -> float:
    """Seconds to sleep before the next step: the next timer or the poll interval."""
    wake = router.next_wakeup()
    timeout = poll_s if wake is None else min(poll_s, max(0.0, wake - router.clock.now()))
    return max(timeout, 0.0)


__all__ = ["Diverged", "Router", "wait_hint"]
