"""The offers feed: what the router decided about calls, as commands for the voice service
(docs/voice.md, "The offers feed").

The voice service follows the event log with a cursor, like the router (the same
`interactions.cursor.LogCursor`, with its gaps), and turns the lines about voice contacts (a
contact with a `Call`) into typed commands: ring an agent, stop ringing, the call changed
hands, it went back to its queue, the record closed it. Commands are idempotent for the
voice service (a rebuild of the router or a failover of the voice service may repeat one).

A standby taking over calls `feed_start()`: the cursor is placed at the log's end FIRST, then
the offers standing now are read (`offers_pending`), so nothing falls between the two (an
offer made in between comes twice: once pending, once from the feed).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from relais.apps.interactions.cursor import LogCursor
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.privacy.selectors import agent_maskings
from relais.apps.voice import queries
from relais.apps.voice.models import CallState
from relais.apps.voice.selectors import caller_shown, line_targets
from relais.core.privacy import CLOSED

BATCH = 500


@dataclass(frozen=True, slots=True)
class Ring:
    """Ring the agent: send the INVITE to `target` (their address of record, or a desk
    phone's fixed contact) with `X-Relais-Contact` and the caller's display name as the
    agent may see it; give up at `offer_expires_at` (the router expires the offer then)."""

    contact_id: int
    agent_id: int
    target: str
    line: str  # LineKind: browser or desk_phone
    offer_expires_at: dt.datetime | None
    x_relais_contact: str
    caller_display: str


@dataclass(frozen=True, slots=True)
class StopRinging:
    """Cancel the INVITE to this agent: the offer `expired`, was `withdrawn` (the caller
    left, the agent logged out or was lost, a transfer), or was `accepted_elsewhere`."""

    contact_id: int
    agent_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Transferred:
    """The call changed hands: keep the caller (music), hang up `from_agent`'s leg if any;
    the new agent's `Ring` follows (to an agent: directly; to a queue: when routed)."""

    contact_id: int
    from_agent: int | None
    to_agent: int | None
    to_queue: str | None


@dataclass(frozen=True, slots=True)
class Requeued:
    """The call is back in its queue (its agent logged out or was disconnected, or the
    offer came back): hang up the agent's leg if one is bridged, music for the caller."""

    contact_id: int


@dataclass(frozen=True, slots=True)
class Closed:
    """The record ended the contact (`dropped`, `queue_closed`, `abandoned`, `completed`
    from the desktop): hang up every leg of the call."""

    contact_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Consult:
    """The talking agent consults a colleague (`call.consult` started): music for the caller,
    ring the colleague's line (`ring`: a `Ring` of the colleague, no offer behind it)."""

    contact_id: int
    agent_id: int
    ring: Ring


@dataclass(frozen=True, slots=True)
class ConsultEnded:
    """The consultation is over (`call.consult` ended: back to the caller): hang up the
    colleague's leg if it is still up, the caller hears the agent again."""

    contact_id: int
    agent_id: int
    reason: str


type Command = Ring | StopRinging | Transferred | Requeued | Closed | Consult | ConsultEnded

_CLOSING = {
    EventKind.CONTACT_DROPPED: "dropped",
    EventKind.CONTACT_REFUSED: "queue_closed",
    EventKind.CONTACT_ABANDONED: "abandoned",
    EventKind.CONTACT_COMPLETED: "completed",
}
_KINDS = frozenset(
    {
        EventKind.OFFER_MADE,
        EventKind.OFFER_EXPIRED,
        EventKind.OFFER_WITHDRAWN,
        EventKind.OFFER_ACCEPTED,
        EventKind.CONTACT_TRANSFERRED,
        EventKind.CONTACT_MOVED,
        EventKind.CONTACT_QUEUED,
        EventKind.CALL_CONSULT,
        *_CLOSING,
    }
)


class _Ringer:
    """Builds `Ring` commands for a batch: lines and masking policies read once."""

    def __init__(self, agent_ids: Iterable[int]) -> None:
        ids = set(agent_ids)
        self.targets = line_targets(ids) if ids else {}
        self.maskings = agent_maskings(ids) if ids else {}

    def ring(
        self, contact_id: int, agent_id: int, caller: str, expires: dt.datetime | None
    ) -> Ring:
        target = self.targets[agent_id]
        return Ring(
            contact_id=contact_id,
            agent_id=agent_id,
            target=target.uri,
            line=target.kind,
            offer_expires_at=expires,
            x_relais_contact=str(contact_id),
            caller_display=caller_shown(caller, self.maskings.get(agent_id, CLOSED)),
        )


def _expiry(data: dict[str, Any]) -> dt.datetime | None:
    value = data.get("expires_at")
    return dt.datetime.fromisoformat(value) if value else None


class OffersFeed:
    """Follows the event log from `log` (default: its end now); `poll()` returns the new
    commands in log order. `clock`: seconds, for how long a gap in the ids is waited for."""

    def __init__(
        self, log: LogCursor | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        self.log = log if log is not None else LogCursor.at_end(clock())
        self.ringing: dict[int, int] = {}  # contact -> the agent its last Ring went to

    def poll(self, limit: int = BATCH) -> list[Command]:
        found = [
            e
            for e in self.log.read(self.clock(), limit)
            if e.kind in _KINDS and e.contact_id is not None
        ]
        if not found:
            return []
        calls = queries.callers_of_calls_up({int(e.contact_id or 0) for e in found})
        events = [e for e in found if e.contact_id in calls]
        ringer = _Ringer(
            [e.agent_id for e in events if e.kind == EventKind.OFFER_MADE and e.agent_id]
            + [int(e.data["to_agent"]) for e in events if _consult_started(e)]
        )
        commands: list[Command] = []
        for event in events:
            command = self._command(event, calls, ringer)
            if command is not None:
                commands.append(command)
        return commands

    def _command(
        self, event: ContactEvent, calls: dict[int, str], ringer: _Ringer
    ) -> Command | None:
        contact = int(event.contact_id or 0)
        agent = event.agent_id
        kind = event.kind
        if kind == EventKind.OFFER_MADE and agent is not None:
            self.ringing[contact] = agent
            return ringer.ring(contact, agent, calls[contact], _expiry(event.data))
        if kind in (EventKind.OFFER_EXPIRED, EventKind.OFFER_WITHDRAWN) and agent is not None:
            self.ringing.pop(contact, None)
            reason = "expired" if kind == EventKind.OFFER_EXPIRED else "withdrawn"
            return StopRinging(contact, agent, reason)
        if kind == EventKind.OFFER_ACCEPTED:
            rung = self.ringing.pop(contact, None)
            if rung is not None and rung != agent:
                return StopRinging(contact, rung, "accepted_elsewhere")
            return None
        if kind in (EventKind.CONTACT_TRANSFERRED, EventKind.CONTACT_MOVED):
            to_agent = event.data.get("to_agent")
            return Transferred(
                contact,
                agent,
                None if to_agent is None else int(to_agent),
                event.data.get("to_queue"),
            )
        if kind == EventKind.CONTACT_QUEUED:
            return Requeued(contact) if event.data.get("requeued") else None
        if kind == EventKind.CALL_CONSULT and agent is not None:
            if _consult_started(event):
                colleague = int(event.data["to_agent"])
                return Consult(
                    contact, agent, ringer.ring(contact, colleague, calls[contact], None)
                )
            if event.data.get("step") == "ended":
                return ConsultEnded(contact, agent, str(event.data.get("reason", "")))
            return None
        if kind in _CLOSING:
            self.ringing.pop(contact, None)
            return Closed(contact, _CLOSING[EventKind(kind)])
        return None


def _consult_started(event: ContactEvent) -> bool:
    return (
        event.kind == EventKind.CALL_CONSULT
        and event.data.get("step") == "started"
        and bool(event.data.get("to_agent"))
    )


def offers_pending() -> list[Ring]:
    """The offers of calls standing now, from the record (a standby taking over)."""
    offered = list(
        Contact.objects.filter(state=ContactState.OFFERED, agent__isnull=False)
        .filter(call__isnull=False)
        .exclude(call__state=CallState.ENDED)
        .values_list("pk", "agent_id", "call__caller", "offer_expires_at")
        .order_by("pk")
    )
    ringer = _Ringer(agent for _, agent, _, _ in offered)
    return [ringer.ring(pk, agent, caller, expires) for pk, agent, caller, expires in offered]


def feed_start(*, clock: Callable[[], float] = time.time) -> tuple[OffersFeed, list[Ring]]:
    """A feed from the log's end and the offers standing now (in that order: see above)."""
    feed = OffersFeed(clock=clock)
    pending = offers_pending()
    for ring in pending:
        feed.ringing[ring.contact_id] = ring.agent_id
    return feed, pending


__all__ = [
    "Closed",
    "Command",
    "Consult",
    "ConsultEnded",
    "OffersFeed",
    "Requeued",
    "Ring",
    "StopRinging",
    "Transferred",
    "feed_start",
    "offers_pending",
]
