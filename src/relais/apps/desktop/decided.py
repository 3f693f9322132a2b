"""The router's decisions, in the agents' desktop streams (docs/events-protocol.md).

The router calls `router_decisions_record` in the transaction that writes its decisions,
right after them: an offer made, an offer ended (expired, withdrawn, the customer gone), a
contact dropped or taken back into its queue from an agent who left, a presence the router
changed. Each becomes the agent's next numbered event, pushed to the desktop after commit,
so an offer reaches the browser with no further database work on the web side.

A batch is recorded in a few statements whatever its size (a burst of offers must not slow
the router down): the contacts and their chats read at once, the agents' cursors locked
at once (in ascending order), the keys already recorded checked at once under those
locks, the cursors moved and the events inserted in one statement each.

Lock order: the decisions have locked their contacts; the desk cursors come after, in
ascending agent order (a desk write for one agent takes its contact first, then that
agent's cursor: no cycle). Keys make it idempotent: a rebuild that repeats a decision
records nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from relais.apps import rows
from relais.apps.deskstream.events import (
    ContactClosedEvent,
    DeskPayload,
    OfferEndedEvent,
    OfferMadeEvent,
    PresenceChangedEvent,
    desk_group,
    frame_of,
    offer_key,
    same_presence,
)
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.desktop import queries, selectors
from relais.apps.interactions.models import Contact
from relais.apps.realtime.push import send_frame_on_commit
from relais.core.kpi import from_epoch
from relais.core.routing import (
    AgentStateChanged,
    ContactDropped,
    ContactQueued,
    OfferExpired,
    OfferWithdrawn,
    RoutingEvent,
)
from relais.core.routing import OfferMade as EngineOfferMade


@dataclass
class _Entry:
    """One event to append to an agent's stream, unless `key` or one of `unless` is there."""

    event: DeskPayload
    contact_id: int | None = None
    key: str = ""
    unless: tuple[str, ...] = ()


def router_decisions_record(events: Iterable[RoutingEvent]) -> None:
    """Record in the agents' streams what the router decided (its decisions written)."""
    offers: dict[int, int] = {}  # contact -> agent (its last offer in the batch)
    steps: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    presence: dict[int, PresenceChangedEvent] = {}
    for event in events:
        match event:
            case EngineOfferMade(auto_accepted=False):
                offers[int(event.contact_id)] = int(event.agent_id)
                steps[int(event.agent_id)].append(("offer", int(event.contact_id), ""))
            case OfferExpired():
                steps[int(event.agent_id)].append(("end", int(event.contact_id), "expired"))
            case OfferWithdrawn():
                reason = "abandoned" if event.reason == "abandoned" else "withdrawn"
                steps[int(event.agent_id)].append(("end", int(event.contact_id), reason))
            case ContactDropped():
                steps[int(event.agent_id)].append(("drop", int(event.contact_id), ""))
            case ContactQueued(requeued=True):
                holder = _open_chat_holder(int(event.contact_id))
                if holder is not None:
                    steps[holder].append(("drop", int(event.contact_id), ""))
            case AgentStateChanged():
                reason = event.reason.value if event.reason else ""
                presence[int(event.agent_id)] = PresenceChangedEvent(
                    state=event.state.value, break_reason=reason, since=from_epoch(event.at)
                )
    contacts = _offered(offers)
    views = selectors.offer_views(list(contacts.values())) if contacts else {}
    planned: dict[int, list[_Entry]] = defaultdict(list)
    for agent_id, agent_steps in steps.items():
        for action, contact_id, reason in agent_steps:
            entry: _Entry | None
            if action == "offer":
                contact = contacts.get(contact_id)
                entry = (
                    _offer(contact, views[contact_id])
                    if contact and contact.agent_id == agent_id
                    else None
                )
            elif action == "end":
                entry = _offer_end(agent_id, contact_id, reason)
            else:
                entry = _drop(agent_id, contact_id)
            if entry is not None:
                planned[agent_id].append(entry)
    for agent_id, changed in presence.items():  # once, with the state the batch left
        planned[agent_id].append(_Entry(changed))
    if planned:
        _append(planned)


def _offered(offers: dict[int, int]) -> dict[int, Contact]:
    """The contacts still offered (to the agent of their last offer), with their queue."""
    if not offers:
        return {}
    found = queries.offered(list(offers))
    return {c.pk: c for c in found if c.agent_id == offers[c.pk]}


def _offer(contact: Contact, view: OfferMadeEvent) -> _Entry:
    key = offer_key(contact)
    return _Entry(
        view,
        contact.pk,
        f"offer:{key}",
        (f"open:{key}", f"end:{key}"),  # answered meanwhile
    )


def _last_key(agent_id: int, contact_id: int, prefixes: tuple[str, ...]) -> str | None:
    """The newest key of the agent's stream for the contact among `prefixes`."""
    keys = (
        DeskEvent.objects.filter(agent_id=agent_id, contact_id=contact_id)
        .exclude(key="")
        .order_by("-seq")
        .values_list("key", flat=True)
    )
    return next((key for key in keys[:20] if key.partition(":")[0] in prefixes), None)


def _offer_end(agent_id: int, contact_id: int, reason: str) -> _Entry | None:
    key = _last_key(agent_id, contact_id, ("offer",))
    if key is None:  # never shown (an offer and its end in one batch, or auto-accepted)
        return None
    rest = key.partition(":")[2]
    event = OfferEndedEvent(contact_id=contact_id, reason=reason)
    return _Entry(event, contact_id, f"end:{rest}", (f"open:{rest}",))


def _drop(agent_id: int, contact_id: int) -> _Entry | None:
    """A contact the agent no longer holds: a conversation is closed, an offer ended."""
    key = _last_key(agent_id, contact_id, ("offer", "open"))
    if key is None:
        return None
    kind, _, rest = key.partition(":")
    if kind == "offer":
        return _offer_end(agent_id, contact_id, "withdrawn")
    event = ContactClosedEvent(contact_id=contact_id, reason="dropped")
    return _Entry(event, contact_id, f"closed:{rest}")


def _open_chat_holder(contact_id: int) -> int | None:
    """The agent whose stream shows the contact's conversation open, if any."""
    row = (
        DeskEvent.objects.filter(contact_id=contact_id, key__startswith="open:")
        .order_by("-pk")
        .values_list("agent_id", "key")
        .first()
    )
    if row is None:
        return None
    agent_id, key = row
    closed = f"closed:{key.partition(':')[2]}"
    if DeskEvent.objects.filter(agent_id=agent_id, key=closed).exists():
        return None
    return int(agent_id)


def _append(planned: dict[int, list[_Entry]]) -> None:
    """Number and store the entries of every agent in a few statements; pushed after commit."""
    agents = sorted(planned)
    cursors = _locked_cursors(agents)
    keys = {k for entries in planned.values() for e in entries for k in (e.key, *e.unless) if k}
    recorded = queries.recorded(agents, keys)
    now = timezone.now()
    stored: list[DeskEvent] = []
    for agent_id in agents:
        cursor = cursors[agent_id]
        presence = cursor.last_presence
        for entry in planned[agent_id]:
            if any((agent_id, k) in recorded for k in (entry.key, *entry.unless) if k):
                continue
            payload = entry.event.model_dump(mode="json")
            kind = payload.pop("type")
            if kind == "presence.changed":
                if same_presence(payload, presence):
                    continue  # the stream says so already (the agent's own request)
                presence = payload
            if entry.key:
                recorded.add((agent_id, entry.key))
            cursor.last_seq += 1
            stored.append(
                DeskEvent(
                    agent_id=agent_id,
                    seq=cursor.last_seq,
                    kind=kind,
                    contact_id=entry.contact_id,
                    key=entry.key,
                    payload=payload,
                    created_at=now,
                )
            )
    if not stored:
        return
    queries.cursors_save({agent_id: c.last_seq for agent_id, c in cursors.items() if c.moved})
    rows.add_all(stored)
    for row in stored:
        send_frame_on_commit(desk_group(row.agent_id), frame_of(row), handler="desk.event")


@dataclass
class _Cursor:
    """An agent's desk cursor, locked: its last number, and the stream's last presence."""

    taken: int
    last_presence: dict[str, Any] | None
    last_seq: int = 0

    def __post_init__(self) -> None:
        self.last_seq = self.taken

    @property
    def moved(self) -> bool:
        return self.last_seq != self.taken


def _locked_cursors(agents: list[int]) -> dict[int, _Cursor]:
    """The agents' cursors, locked in ascending order (created for a first event), each with
    the agent's last presence in the stream."""

    def lock() -> dict[int, _Cursor]:
        found = queries.cursors_locked(agents)
        return {agent_id: _Cursor(taken, presence) for agent_id, taken, presence in found}

    cursors = lock()
    missing = sorted(set(agents) - set(cursors))
    if missing:
        for agent_id in missing:
            DeskCursor.objects.get_or_create(agent_id=agent_id)
        cursors = lock()
    return cursors
