"""The desktop's event stream: typed events, numbered per agent, pushed after commit.

Every event an agent's desktop receives is first stored as a `DeskEvent` with the next
number of that agent's `DeskCursor` (locked, so numbers follow commit order), then sent
to the group `desk-<agent pk>` after commit. A desktop that reconnects asks for the events
after the last number it saw (docs/events-protocol.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Literal

from django.db import connection
from django.utils import timezone
from pydantic import BaseModel

from relais.apps import rows
from relais.apps.deskstream import queries
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.interactions.models import Contact
from relais.apps.numbering import number_return, number_take
from relais.apps.realtime.push import group_send, send_frame_on_commit

logger = logging.getLogger(__name__)


class MessageView(BaseModel):
    """A chat message as the agent sees it."""

    id: int  # the message's number in its conversation
    sender: str
    author: str
    event: str
    body: str
    client_id: str
    created: dt.datetime


class NoteView(BaseModel):
    id: int
    author: str
    body: str
    created: dt.datetime


class ChatView(BaseModel):
    """A conversation in the agent's hands."""

    contact_id: int
    queue: str
    queue_label: str
    customer_name: str
    language: str
    topic: str
    state: str
    messages: list[MessageView]
    notes: list[NoteView] = []
    channel: str = "chat"  # a left message (email) or a callback: nothing to write back here


class OfferMadeEvent(BaseModel):
    type: Literal["offer.made"] = "offer.made"
    contact_id: int
    queue: str
    queue_label: str
    channel: str
    customer_name: str
    topic: str
    language: str
    preview: str
    expires_at: dt.datetime | None
    timeout_seconds: int
    direct: bool = False


class OfferEndedEvent(BaseModel):
    type: Literal["offer.ended"] = "offer.ended"
    contact_id: int
    reason: str  # expired, withdrawn, abandoned, rejected


class ChatOpenedEvent(BaseModel):
    type: Literal["chat.opened"] = "chat.opened"
    chat: ChatView


class ChatMessageEvent(BaseModel):
    type: Literal["chat.message"] = "chat.message"
    contact_id: int
    message: MessageView


class ContactCompletedEvent(BaseModel):
    """The conversation is over: the desktop asks for the wrap-up reason."""

    type: Literal["contact.completed"] = "contact.completed"
    contact_id: int


class ContactClosedEvent(BaseModel):
    """The contact left the agent's hands: `wrapped_up`, `transferred` or `dropped`."""

    type: Literal["contact.closed"] = "contact.closed"
    contact_id: int
    reason: str


class CallConsultEvent(BaseModel):
    """A step of the agent's consultation of a colleague on a call (`started`, `answered`,
    `ended` with its `reason`, `completed`): the desktop's call controls follow it. `queue`:
    the label of the queue the colleague was picked from (blank: consulted by name)."""

    type: Literal["call.consult"] = "call.consult"
    contact_id: int
    step: str
    reason: str = ""
    colleague: str = ""
    queue: str = ""


class NoteAddedEvent(BaseModel):
    type: Literal["note.added"] = "note.added"
    contact_id: int
    note: NoteView


class PresenceChangedEvent(BaseModel):
    type: Literal["presence.changed"] = "presence.changed"
    state: str
    break_reason: str
    #: When this presence began (the record's), for the state bar's timer; None when unknown.
    since: dt.datetime | None = None


def same_presence(payload: dict[str, Any] | None, other: dict[str, Any] | None) -> bool:
    """Whether two `presence.changed` payloads say the same state and reason (whatever their
    `since`: the agent's request and the router's decision tell one change twice)."""
    if payload is None or other is None:
        return False
    return (payload.get("state"), payload.get("break_reason")) == (
        other.get("state"),
        other.get("break_reason"),
    )


class HelpMessageView(BaseModel):
    id: int
    thread_id: int
    author: str
    from_agent: bool
    body: str
    client_id: str
    created: dt.datetime


class HelpMessageEvent(BaseModel):
    type: Literal["help.message"] = "help.message"
    message: HelpMessageView


class BroadcastEvent(BaseModel):
    """A message from supervision to the agent's team, site or partner."""

    type: Literal["supervision.broadcast"] = "supervision.broadcast"
    broadcast_id: int
    message: str
    sender: str
    target_kind: str
    target: str
    sent_at: dt.datetime


class BriefingEvent(BaseModel):
    """A briefing reached the agent (`relais.apps.briefings`); the desktop reads it from
    `/briefings/desk/` (blocking: the agent gets no contact of its queues until it
    acknowledges)."""

    type: Literal["briefing.delivered"] = "briefing.delivered"
    briefing_id: int
    title: str
    blocking: bool


DeskPayload = (
    OfferMadeEvent
    | OfferEndedEvent
    | ChatOpenedEvent
    | ChatMessageEvent
    | ContactCompletedEvent
    | ContactClosedEvent
    | CallConsultEvent
    | NoteAddedEvent
    | PresenceChangedEvent
    | HelpMessageEvent
    | BroadcastEvent
    | BriefingEvent
)


def desk_group(agent_id: int) -> str:
    return f"desk-{agent_id}"


def frame_of(event: DeskEvent) -> dict[str, Any]:
    """The frame a browser receives: the stored payload with its number as `id`."""
    return {**event.payload, "type": event.kind, "id": event.seq}


def contact_hold(contact_id: int) -> tuple[str, int | None]:
    """The contact's state and agent, read under a KEY SHARE lock on PostgreSQL, before any
    other lock of the transaction (lock order: contact, chat session, desk cursor).

    A row inserted with a foreign key to the contact takes that lock anyway, but at commit
    (Django's foreign keys are deferred), after the session's or cursor's lock: against an
    accept holding the contact and waiting for the same session or cursor, a deadlock.
    KEY SHARE waits for a writer holding the contact FOR UPDATE (an accept), not for the
    router's updates nor other key-sharers."""
    row: tuple[str, int | None] | None
    if connection.vendor != "postgresql":
        row = Contact.objects.filter(pk=contact_id).values_list("state", "agent_id").first()
    else:
        row = queries.contact_key_shared(contact_id)
    if row is None:
        raise Contact.DoesNotExist(contact_id)
    return row[0], row[1]


def offer_key(contact: Contact) -> str:
    """One offer of a contact in the desk stream's keys (`offer:`, `open:`, `end:` + this):
    the same contact offered again later is another offer."""
    stamp = contact.offered_at.timestamp() if contact.offered_at else 0
    return f"{contact.pk}:{stamp:.6f}"


def desk_event_append(
    *,
    agent_id: int,
    event: DeskPayload,
    contact_id: int | None = None,
    key: str = "",
    unless: tuple[str, ...] = (),
    contact_locked: bool = False,
) -> DeskEvent | None:
    """Store the agent's next event inside the caller's transaction; pushed after commit.

    With a `key` (or one of the keys `unless`) already recorded for this agent, nothing is
    stored (returns None): an offer is not recorded after its answer. `contact_locked`: the
    caller already holds the contact's row (the lock `contact_hold` would take first)."""
    if contact_id is not None and not contact_locked:
        contact_hold(contact_id)
    seq = _next_seq(agent_id)  # the agent's cursor, locked until commit
    keys = [k for k in (key, *unless) if k]
    if keys and _recorded(agent_id, keys):
        number_return(DeskCursor, "agent_id", agent_id)
        return None  # recorded already (checked under the lock: no race)
    payload = event.model_dump(mode="json")
    kind = payload.pop("type")
    row = rows.insert(
        DeskEvent,
        agent_id=agent_id,
        seq=seq,
        kind=kind,
        contact_id=contact_id,
        key=key,
        payload=payload,
        created_at=timezone.now(),
    )
    frame = frame_of(row)
    send_frame_on_commit(desk_group(agent_id), frame, handler="desk.event")
    return row


def _recorded(agent_id: int, keys: list[str]) -> bool:
    """Whether one of the keys is in the agent's stream (hand-written: every message asks)."""
    return queries.key_recorded(agent_id, keys)


def _next_seq(agent_id: int) -> int:
    """Take the agent's next event number, locking the cursor until commit (created with the
    agent's first event)."""
    taken = number_take(DeskCursor, "agent_id", agent_id)
    if taken is not None:
        return int(taken[0])
    DeskCursor.objects.get_or_create(agent_id=agent_id)
    return _next_seq(agent_id)


def ephemeral_send(group: str, frame: dict[str, Any]) -> None:
    """A frame that is not stored (typing indicators): lost if nobody listens."""
    group_send(group, "desk.ephemeral", frame)


def completed_append(agent_id: int, contact: Contact, *, locked: bool = False) -> None:
    """The conversation is over: the agent's desktop asks for the wrap-up (once per offer,
    whichever side ended it: the agent's desktop, or the caller hanging up). `locked`: the
    caller holds the contact's row."""
    desk_event_append(
        agent_id=agent_id,
        event=ContactCompletedEvent(contact_id=contact.pk),
        contact_id=contact.pk,
        key=f"completed:{offer_key(contact)}",
        contact_locked=locked,
    )
