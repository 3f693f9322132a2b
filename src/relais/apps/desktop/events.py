"""The desktop's event stream: typed events, numbered per agent, pushed after commit.

Every event an agent's desktop receives is first stored as a `DeskEvent` with the next
number of that agent's `DeskCursor` (locked, so numbers follow commit order), then sent
to the group `desk-<agent pk>` after commit. A desktop that reconnects asks for the events
after the last number it saw (docs/events-protocol.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import weakref
from typing import Any, Literal

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel

from relais.apps.desktop.models import DeskCursor, DeskEvent
from relais.apps.interactions.models import Contact
from relais.apps.interactions.push import server_loop

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


class NoteAddedEvent(BaseModel):
    type: Literal["note.added"] = "note.added"
    contact_id: int
    note: NoteView


class PresenceChangedEvent(BaseModel):
    type: Literal["presence.changed"] = "presence.changed"
    state: str
    break_reason: str


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


DeskPayload = (
    OfferMadeEvent
    | OfferEndedEvent
    | ChatOpenedEvent
    | ChatMessageEvent
    | ContactCompletedEvent
    | ContactClosedEvent
    | NoteAddedEvent
    | PresenceChangedEvent
    | HelpMessageEvent
    | BroadcastEvent
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
    if connection.vendor != "postgresql":
        row = Contact.objects.filter(pk=contact_id).values_list("state", "agent_id").first()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "state", "agent_id" FROM "{Contact._meta.db_table}"'  # noqa: S608
                ' WHERE "id" = %s FOR KEY SHARE',
                [contact_id],
            )
            row = cursor.fetchone()
    if row is None:
        raise Contact.DoesNotExist(contact_id)
    return row[0], row[1]


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
    if keys and DeskEvent.objects.filter(agent_id=agent_id, key__in=keys).exists():
        DeskCursor.objects.filter(agent_id=agent_id).update(last_seq=F("last_seq") - 1)
        return None  # recorded already (checked under the lock: no race)
    payload = event.model_dump(mode="json")
    kind = payload.pop("type")
    row = DeskEvent.objects.create(
        agent_id=agent_id,
        seq=seq,
        kind=kind,
        contact_id=contact_id,
        key=key,
        payload=payload,
        created_at=timezone.now(),
    )
    frame = frame_of(row)
    transaction.on_commit(lambda: group_send(desk_group(agent_id), "desk.event", frame))
    return row


def _next_seq(agent_id: int) -> int:
    """Take the agent's next event number: one UPDATE that locks the cursor and returns it
    (created with the agent's first event)."""
    table = DeskCursor._meta.db_table
    sql = f'UPDATE "{table}" SET "last_seq" = "last_seq" + 1 WHERE "agent_id" = %s'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f'{sql} RETURNING "last_seq"', [agent_id])
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    DeskCursor.objects.get_or_create(agent_id=agent_id)
    return _next_seq(agent_id)


def group_send(group: str, handler: str, frame: dict[str, Any]) -> None:
    """Send `frame` to a group's consumers (`handler` names their method); a failed push
    never undoes what was committed: the consumers fetch missed events from the record.

    From a thread working for an event loop (a request, a consumer's database call), the
    push is handed to that loop and the thread goes on: it does not wait for the channel
    layer (Redis) while holding a database connection. Pushes to one group leave in order."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": handler, "frame": frame}
    loop = _caller_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_enqueue, layer, group, message)
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("could not push %s to %s", frame.get("type"), group)


def _caller_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop this thread works for (asgiref's sync_to_async, or the web
    server's loop for a router running in its process), if any."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_running_loop()
        return None  # on the loop itself: callers there await the layer themselves
    server = server_loop()
    if server is not None and server.is_running():
        return server
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    return loop if loop is not None and loop.is_running() else None


#: Per event loop: a few sender tasks, each with its queue; a group always goes to the same
#: one, so that its pushes leave in order (a consumer that sees a gap reads the record).
SENDERS = 4
Push = tuple[Any, str, dict[str, Any]]
_senders: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, list[tuple[asyncio.Queue[Push], asyncio.Task[None]]]
] = weakref.WeakKeyDictionary()


def _enqueue(layer: Any, group: str, message: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    senders = _senders.get(loop)
    if senders is None:
        queues: list[asyncio.Queue[Push]] = [asyncio.Queue() for _ in range(SENDERS)]
        senders = _senders[loop] = [(q, loop.create_task(_sender(q))) for q in queues]
    senders[hash(group) % SENDERS][0].put_nowait((layer, group, message))


async def _sender(queue: asyncio.Queue[Push]) -> None:
    while True:
        layer, group, message = await queue.get()
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("could not push %s to %s", message["frame"].get("type"), group)


def ephemeral_send(group: str, frame: dict[str, Any]) -> None:
    """A frame that is not stored (typing indicators): lost if nobody listens."""
    group_send(group, "desk.ephemeral", frame)
