"""The router's decisions, written to the record: one service per kind of engine event.

The router calls `decisions_record` inside one transaction per batch. Each write is a
conditional update: it happens only if the contact or agent is still where the engine
believes it is. Otherwise the record moved on (a request the router has not applied yet
won a race, e.g. an accept at the last moment of the offer) and `RecordConflict` is
raised: the router rolls the batch back and rebuilds its engine from the record.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from relais.apps.interactions import queries
from relais.apps.interactions.log import DECIDED_CHANNEL, event_append
from relais.apps.interactions.models import (
    OUT_STATES,
    AgentPresence,
    CloseReason,
    Contact,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.routing.models import Queue
from relais.core.clock import to_datetime
from relais.core.routing import (
    AgentStateChanged,
    CallbackOffered,
    ContactDropped,
    ContactQueued,
    ContactRefused,
    ContactTransferred,
    OfferExpired,
    OfferWithdrawn,
    OverflowStepReached,
    RoutingEvent,
    StepHoursChanged,
    WrapUpEnded,
)
from relais.core.routing import OfferMade as EngineOfferMade

S = ContactState
WAITING = (S.CREATED, S.QUEUED)


class RecordConflict(Exception):
    """The record disagrees with the engine: roll back and rebuild."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where an agent works: the contact's site and partner for attribution."""

    site_id: int
    partner_id: int | None


def _when(at: float) -> dt.datetime:
    return to_datetime(at)


def _first(at: dt.datetime) -> Coalesce:
    """`queued_at` keeps the first time the contact was queued."""
    return Coalesce(F("queued_at"), Value(at))


def _update(contact_id: int, condition: Q, **fields: Any) -> None:
    if not Contact.objects.filter(condition, pk=contact_id).update(**fields):
        raise RecordConflict(f"contact {contact_id}: {condition} no longer holds")


def decisions_record(
    events: Iterable[RoutingEvent], *, places: Mapping[str, Place], queues: Mapping[str, int]
) -> None:
    """Write the engine's events (echoes of applied requests already removed); on
    PostgreSQL the readers of decisions (the voice service's offers feed) are woken at commit."""
    written = False
    for event in events:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(event, places, queues)
            written = True
    if written and connection.vendor == "postgresql":
        queries.notify(DECIDED_CHANNEL)


def _queued(event: ContactQueued, places: Mapping[str, Place], queues: Mapping[str, int]) -> None:
    at = _when(event.at)
    cid = int(event.contact_id)
    queue_id = queues[event.queue_id]
    if event.requeued:  # back at its place: after a reject, a timeout, or its agent left
        _update(
            cid,
            Q(state__in=(S.QUEUED, S.ACCEPTED), queue_id=queue_id),
            state=S.QUEUED,
            overflow_step=event.step,
            agent=None,
            site=None,
            partner=None,
            offer_expires_at=None,
        )
    else:
        _update(
            cid,
            Q(state__in=WAITING, queue_id=queue_id),
            state=S.QUEUED,
            overflow_step=event.step,
            queued_at=_first(at),
        )
    event_append(
        kind=EventKind.CONTACT_QUEUED,
        at=at,
        contact_id=cid,
        queue_id=queues[event.queue_id],
        data={"step": event.step, "requeued": event.requeued},
        by_router=True,
    )


def _offer(event: EngineOfferMade, places: Mapping[str, Place], queues: Mapping[str, int]) -> None:
    at = _when(event.at)
    cid = int(event.contact_id)
    place = places[event.agent_id]
    expires = None if math.isinf(event.expires_at) else _when(event.expires_at)
    state = S.ACCEPTED if event.auto_accepted else S.OFFERED
    _update(
        cid,
        Q(state__in=WAITING, queue_id=queues[event.queue_id]),
        state=state,
        offered_at=at,
        offer_expires_at=expires,
        accepted_at=at if event.auto_accepted else None,
        overflow_step=event.step,
        agent_id=int(event.agent_id),
        site_id=place.site_id,
        partner_id=place.partner_id,
        queued_at=_first(at),
    )
    AgentPresence.objects.filter(agent_id=int(event.agent_id)).update(idle_since=at)
    event_append(
        kind=EventKind.OFFER_MADE,
        at=at,
        contact_id=cid,
        queue_id=queues[event.queue_id],
        agent_id=int(event.agent_id),
        data={
            "step": event.step,
            "direct": event.direct,
            "expires_at": None if expires is None else expires.isoformat(),
        },
        by_router=True,
    )


def _offer_ended(
    event: OfferExpired | OfferWithdrawn, places: Mapping[str, Place], queues: Mapping[str, int]
) -> None:
    at = _when(event.at)
    cid = int(event.contact_id)
    agent_id = int(event.agent_id)
    if isinstance(event, OfferExpired):
        reason, kind = "expired", EventKind.OFFER_EXPIRED
        _update(
            cid,
            Q(state=S.OFFERED, agent_id=agent_id),
            state=S.QUEUED,
            timed_out_at=at,
            agent=None,
            site=None,
            partner=None,
            offer_expires_at=None,
        )
        AgentPresence.objects.filter(agent_id=agent_id).update(missed_offers=event.missed_in_a_row)
    else:
        reason, kind = event.reason, EventKind.OFFER_WITHDRAWN
        # abandoned or transferred: the request already wrote the contact
        if event.reason in ("agent_logged_out", "agent_disconnected"):
            _update(
                cid,
                Q(state=S.OFFERED, agent_id=agent_id),
                state=S.QUEUED,
                agent=None,
                site=None,
                partner=None,
                offer_expires_at=None,
            )
    event_append(
        kind=kind,
        at=at,
        contact_id=cid,
        agent_id=agent_id,
        data={"reason": reason},
        by_router=True,
    )


def _closed(
    event: WrapUpEnded | ContactDropped | ContactRefused,
    places: Mapping[str, Place],
    queues: Mapping[str, int],
) -> None:
    at = _when(event.at)
    cid = int(event.contact_id)
    if isinstance(event, WrapUpEnded):
        kind, reason, condition = EventKind.WRAP_UP_ENDED, CloseReason.HANDLED, Q(state=S.WRAP_UP)
    elif isinstance(event, ContactDropped):
        kind, reason, condition = (
            EventKind.CONTACT_DROPPED,
            CloseReason.DROPPED,
            Q(state__in=(S.OFFERED, S.ACCEPTED)),
        )
    else:
        kind, reason, condition = (
            EventKind.CONTACT_REFUSED,
            CloseReason.QUEUE_CLOSED,
            Q(state=S.CREATED),
        )
    _update(cid, condition, state=S.CLOSED, closed_at=at, close_reason=reason)
    agent = getattr(event, "agent_id", None)
    event_append(
        kind=kind,
        at=at,
        contact_id=cid,
        agent_id=None if agent is None else int(agent),
        by_router=True,
    )


def _moved(
    event: ContactTransferred, places: Mapping[str, Place], queues: Mapping[str, int]
) -> None:
    """Every step exhausted: the engine moved the contact to another queue."""
    if event.to_queue_id is None:
        return
    at = _when(event.at)
    cid = int(event.contact_id)
    target = queues[event.to_queue_id]
    priority = Queue.objects.values_list("priority", flat=True).get(pk=target)
    _update(
        cid,
        Q(state=S.QUEUED),
        queue_id=target,
        queued_at=at,
        transferred_at=at,
        priority=priority,
        overflow_step=0,
        declined_by=[],
        at_head=False,
    )
    event_append(
        kind=EventKind.CONTACT_MOVED,
        at=at,
        contact_id=cid,
        queue_id=target,
        data={"from_queue": event.from_queue_id, "to_queue": event.to_queue_id},
        by_router=True,
    )


def _step(
    event: OverflowStepReached | CallbackOffered,
    places: Mapping[str, Place],
    queues: Mapping[str, int],
) -> None:
    cid = int(event.contact_id)
    data: dict[str, Any] = {}
    kind = EventKind.CALLBACK_OFFERED
    if isinstance(event, OverflowStepReached):
        Contact.objects.filter(pk=cid, state__in=WAITING).update(overflow_step=event.step)
        kind, data = EventKind.OVERFLOW_STEP_REACHED, {"step": event.step, "early": event.early}
    event_append(
        kind=kind,
        at=_when(event.at),
        contact_id=cid,
        queue_id=queues[event.queue_id],
        data=data,
        by_router=True,
    )


def _agent_state(
    event: AgentStateChanged, places: Mapping[str, Place], queues: Mapping[str, int]
) -> None:
    """The agent's derived state; a logged-out agent is not brought back by a stale event."""
    at = _when(event.at)
    presence = AgentPresence.objects.filter(agent_id=int(event.agent_id))
    if event.state.value != PresenceState.OFFLINE.value:
        presence = presence.exclude(state__in=OUT_STATES)
    presence.update(
        state=event.state.value,
        break_reason=event.reason.value if event.reason else "",
        since=at,
    )
    event_append(
        kind=EventKind.AGENT_STATE_CHANGED,
        at=at,
        agent_id=int(event.agent_id),
        data={"state": event.state.value, "reason": event.reason.value if event.reason else None},
        by_router=True,
    )


def _hours(event: StepHoursChanged, places: Mapping[str, Place], queues: Mapping[str, int]) -> None:
    event_append(
        kind=EventKind.STEP_HOURS_CHANGED,
        at=_when(event.at),
        queue_id=queues[event.queue_id],
        data={"step": event.step, "open": event.open},
        by_router=True,
    )


_HANDLERS: dict[type, Any] = {
    ContactQueued: _queued,
    EngineOfferMade: _offer,
    OfferExpired: _offer_ended,
    OfferWithdrawn: _offer_ended,
    WrapUpEnded: _closed,
    ContactDropped: _closed,
    ContactRefused: _closed,
    ContactTransferred: _moved,
    OverflowStepReached: _step,
    CallbackOffered: _step,
    AgentStateChanged: _agent_state,
    StepHoursChanged: _hours,
}
