"""The agent desktop over WebSocket (`/ws/desktop/`, the session's user), protocol in
docs/events-protocol.md.

The consumer joins the group `desk-<pk>`, where the agent's numbered events arrive after
commit (the router's offers among them: it records them itself). It sends each number once,
in order: an event whose number is not the next one makes it read the missing ones from the
record first. It joins its user's and session's groups too (`SessionBoundConsumer`): when
the session ends (sign-out, deactivation, password change) it sends `session.ended` and
closes with 4401, and its lease closes as on any disconnect. Database calls run on the
consumers' own threads (`realtime.consumers.db`), not on Channels' single thread-sensitive
one."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any, Literal

from pydantic import BaseModel, Field

from relais.apps.chat.models import MAX_BODY_CHARS
from relais.apps.deskstream.events import desk_group
from relais.apps.desktop import calls, selectors, services, sync
from relais.apps.errors import RelaisError
from relais.apps.realtime.consumers import (
    FrameConsumer,
    SessionBoundConsumer,
    db,
    heartbeat_start,
)
from relais.apps.realtime.frames import RecordId

SYNC_EVERY_S = 30.0


class In(BaseModel):
    model_config = {"extra": "forbid"}


class HelloIn(In):
    type: Literal["hello"]
    last_event_id: RecordId | None = None


class ContactIn(In):
    type: Literal["accept", "reject", "complete", "typing", "panel"]
    contact_id: RecordId


class ConsultIn(In):
    """A colleague (`agent_id`) or a queue (`queue`), one of the two."""

    type: Literal["consult"]
    contact_id: RecordId
    agent_id: RecordId | None = None
    queue: str | None = Field(default=None, max_length=40)


class ConsultEndIn(In):
    type: Literal["consult_back", "consult_complete"]
    contact_id: RecordId


class MessageIn(In):
    type: Literal["message"]
    contact_id: RecordId
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(max_length=MAX_BODY_CHARS)


class NoteIn(In):
    type: Literal["note"]
    contact_id: RecordId
    body: str = Field(max_length=MAX_BODY_CHARS)


class WrapUpIn(In):
    type: Literal["wrap_up"]
    contact_id: RecordId
    reason: str = Field(max_length=40)
    comment: str = Field(default="", max_length=500)


class TransferIn(In):
    type: Literal["transfer"]
    contact_id: RecordId
    queue: str | None = Field(default=None, max_length=40)
    agent_id: RecordId | None = None


class PresenceIn(In):
    type: Literal["presence"]
    state: str = Field(max_length=20)
    reason: str = Field(default="", max_length=24)


class HelpIn(In):
    type: Literal["help"]
    body: str = Field(max_length=MAX_BODY_CHARS)
    client_id: str = Field(default="", max_length=64)
    contact_id: RecordId | None = None


class DesktopConsumer(SessionBoundConsumer, FrameConsumer):
    frames: dict[str, tuple[type[BaseModel], str]] = {
        "hello": (HelloIn, "on_hello"),
        "accept": (ContactIn, "on_contact"),
        "reject": (ContactIn, "on_contact"),
        "complete": (ContactIn, "on_contact"),
        "typing": (ContactIn, "on_contact"),
        "panel": (ContactIn, "on_contact"),
        "message": (MessageIn, "on_message"),
        "note": (NoteIn, "on_note"),
        "wrap_up": (WrapUpIn, "on_wrap_up"),
        "transfer": (TransferIn, "on_transfer"),
        "consult": (ConsultIn, "on_consult"),
        "consult_back": (ConsultEndIn, "on_consult_end"),
        "consult_complete": (ConsultEndIn, "on_consult_end"),
        "presence": (PresenceIn, "on_presence"),
        "help": (HelpIn, "on_help"),
    }

    async def connect(self) -> None:
        user = self.scope.get("user")
        try:
            agent = await db(selectors.desk_agent)(viewer=user)
        except RelaisError:
            await self.close(code=4403)
            return
        self.user = user
        self.agent_id = agent.pk
        self.language = getattr(user, "language", "fr") or "fr"
        self.last_sent: int | None = None
        self.syncer: asyncio.Task[None] | None = None
        await self.channel_layer.group_add(desk_group(agent.pk), self.channel_name)
        await self.accept()
        await self.session_bind(user)  # its session's end closes it (docs/security.md)
        # the agent is reachable while this connection (or another of theirs) is alive
        await db(services.desk_connected)(agent_id=agent.pk, channel_name=self.channel_name)
        heartbeat_start()

    async def disconnect(self, code: int) -> None:
        await self.session_unbind()
        if getattr(self, "syncer", None) is not None:
            self.syncer.cancel()  # type: ignore[union-attr]
        if hasattr(self, "agent_id"):
            await self.channel_layer.group_discard(desk_group(self.agent_id), self.channel_name)
            await db(services.desk_disconnected)(
                agent_id=self.agent_id, channel_name=self.channel_name
            )

    # -- frames from the desktop ----------------------------------------------------------

    async def on_hello(self, frame: HelloIn, ref: str | None) -> None:
        async with self.busy:  # pushes wait for the state they continue
            await db(services.desk_sync)(agent_id=self.agent_id)
            if frame.last_event_id is None:
                state = await db(selectors.desk_state)(viewer=self.user)
                await self.send_frame(state)
                self.last_sent = state.last_event_id
            else:
                self.last_sent = frame.last_event_id
                await self._catch_up()
        if self.syncer is None:
            self.syncer = asyncio.create_task(self._sync_regularly())

    async def on_contact(self, frame: ContactIn, ref: str | None) -> None:
        action = {
            "accept": services.desk_accept,
            "reject": services.desk_reject,
            "complete": services.desk_complete,
            "typing": services.desk_typing,
        }.get(frame.type)
        if action is not None:
            await db(action)(actor=self.user, contact_id=frame.contact_id)
            if frame.type != "typing":
                await self.send_ack(ref)
            return
        panel = await db(selectors.customer_panel)(viewer=self.user, contact_id=frame.contact_id)
        await self.send_frame({**panel.model_dump(mode="json"), "ref": ref})

    async def on_message(self, frame: MessageIn, ref: str | None) -> None:
        number, _ = await db(services.desk_send)(
            actor=self.user, contact_id=frame.contact_id, body=frame.body, client_id=frame.client_id
        )
        await self.send_ack(ref, client_id=frame.client_id, id=number)

    async def on_note(self, frame: NoteIn, ref: str | None) -> None:
        await db(services.desk_note_add)(
            actor=self.user, contact_id=frame.contact_id, body=frame.body
        )
        await self.send_ack(ref)

    async def on_wrap_up(self, frame: WrapUpIn, ref: str | None) -> None:
        await db(services.desk_wrap_up)(
            actor=self.user, contact_id=frame.contact_id, reason=frame.reason, comment=frame.comment
        )
        await self.send_ack(ref)

    async def on_transfer(self, frame: TransferIn, ref: str | None) -> None:
        await db(services.desk_transfer)(
            actor=self.user,
            contact_id=frame.contact_id,
            queue_code=frame.queue,
            agent_id=frame.agent_id,
        )
        await self.send_ack(ref)

    async def on_consult(self, frame: ConsultIn, ref: str | None) -> None:
        await db(calls.desk_consult)(
            actor=self.user,
            contact_id=frame.contact_id,
            agent_id=frame.agent_id,
            queue_code=frame.queue,
        )
        await self.send_ack(ref)

    async def on_consult_end(self, frame: ConsultEndIn, ref: str | None) -> None:
        action = (
            calls.desk_consult_back if frame.type == "consult_back" else calls.desk_consult_complete
        )
        await db(action)(actor=self.user, contact_id=frame.contact_id)
        await self.send_ack(ref)

    async def on_presence(self, frame: PresenceIn, ref: str | None) -> None:
        await db(services.desk_presence_set)(
            actor=self.user, state=frame.state, reason=frame.reason
        )
        await self.send_ack(ref)

    async def on_help(self, frame: HelpIn, ref: str | None) -> None:
        message = await db(services.help_send)(
            actor=self.user, body=frame.body, client_id=frame.client_id, contact_id=frame.contact_id
        )
        await self.send_ack(ref, client_id=frame.client_id, id=message.pk)

    # -- from the channel layer -------------------------------------------------------------

    async def desk_event(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if self.last_sent is None or frame["id"] <= self.last_sent:
            return  # before hello (hello reads the record), or already sent
        if frame["id"] == self.last_sent + 1:
            await self.send_frame(frame)
            self.last_sent = frame["id"]
        else:
            await self._catch_up()

    async def desk_ephemeral(self, event: dict[str, Any]) -> None:
        if self.last_sent is not None:
            await self.send_frame(event["frame"])

    async def _catch_up(self) -> None:
        frames = await db(selectors.events_since)(viewer=self.user, after=self.last_sent or 0)
        for frame in frames:
            if self.last_sent is not None and frame["id"] <= self.last_sent:
                continue
            await self.send_frame(frame)
            self.last_sent = frame["id"]

    async def _sync_regularly(self) -> None:
        """A safety net for pushes that never came (pub/sub delivers at most once) and that
        no later event revealed as a gap: every 30 s, at a random phase (not all desktops
        at once after a restart), one read of the agent's last event number; a number that
        was committed at the previous tick and is still not sent is read from the record
        and sent (one still in flight is not)."""
        behind = 0
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(random.uniform(0, SYNC_EVERY_S))  # noqa: S311 - a phase
            while True:
                with contextlib.suppress(Exception):
                    if self.last_sent is not None and behind > self.last_sent:
                        async with self.busy:
                            await self._catch_up()
                    behind = await db(sync.desk_last_seq)(agent_id=self.agent_id)
                await asyncio.sleep(SYNC_EVERY_S)
