"""The customer's side of a chat over WebSocket (`/ws/chat/`), protocol in
docs/events-protocol.md. The first frame is `hello` with the chat's token.

Anonymous traffic is limited (`chat/limits.py`): a connection beyond its address's limit
gets a `too_fast` error frame and is closed with 4429; a message (or a left message, a
callback request) beyond its chat's or its address's limit gets a `too_fast` error frame
with `retry_after`, and is not stored: the widget sends it again after that."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

from pydantic import BaseModel

from relais.apps.chat import limits, selectors, services
from relais.apps.chat.models import ChatSession
from relais.apps.chat.schemas import (
    AlternativesOffered,
    ByeIn,
    CallbackForm,
    CallbackIn,
    Done,
    EndIn,
    HelloIn,
    LeaveMessageForm,
    LeaveMessageIn,
    MessageIn,
    MessageOut,
    QueuePosition,
    Typing,
    TypingIn,
    VisibilityIn,
    Welcome,
)
from relais.apps.deskstream.events import desk_group, ephemeral_send
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import (
    CloseReason,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
)
from relais.apps.realtime.consumers import FrameConsumer, db, heartbeat_start
from relais.apps.realtime.errors import ErrorCode as ProtocolError
from relais.apps.realtime.models import LeaseKind
from relais.apps.realtime.ratelimit import CLOSE_TOO_FAST
from relais.apps.realtime.services import lease_close, lease_mark, lease_open

POSITION_EVERY_S = 3.0
FIRST_LOOK_S = 1.0
CHECK_EVERY_S = 15.0


@db
def _hello(session: ChatSession, last_id: int) -> tuple[Welcome, list[MessageOut]]:
    """Where the chat stands, and the messages after `last_id` (read after subscribing to
    its pushes: nothing falls between the two)."""
    standing = selectors.chat_standing(viewer=session)
    status = "connected" if standing.agent else "waiting"
    if standing.left or standing.state in (ContactState.CLOSED, ContactState.ABANDONED):
        status = "ended"
    messages = selectors.messages_for_customer(viewer=session, after=last_id)
    welcome = Welcome(state=status, agent=standing.agent, last_id=standing.last_seq)  # type: ignore[arg-type]
    return welcome, [MessageOut(message=selectors.customer_view(m)) for m in messages]


@db
def _missed(session: ChatSession, after: int) -> list[MessageOut]:
    return [
        MessageOut(message=selectors.customer_view(m))
        for m in selectors.messages_for_customer(viewer=session, after=after)
    ]


@db
def _last_seq(session: ChatSession) -> int:
    found = ChatSession.objects.filter(pk=session.pk).values_list("last_seq", flat=True).first()
    return found or 0


@db
def _waiting_news(session: ChatSession) -> tuple[QueuePosition | None, AlternativesOffered | None]:
    """The customer's place in the line, and whether the queue gave up on a live answer."""
    estimate = selectors.wait_estimate(viewer=session)
    position = None
    if estimate is not None:
        position = QueuePosition(position=estimate.position, wait_seconds=estimate.seconds)
    contact = Contact.objects.only("state", "close_reason").get(pk=session.contact_id)
    closed = (
        contact.state == ContactState.CLOSED and contact.close_reason == CloseReason.QUEUE_CLOSED
    )
    offered = not closed and (
        ContactEvent.objects.filter(
            contact_id=session.contact_id, kind=EventKind.CALLBACK_OFFERED
        ).exists()
    )
    if not closed and not offered:
        return position, None
    message, callback = selectors.alternatives(session.topic)
    if closed:
        return None, AlternativesOffered(reason="closed", message=message, callback=callback)
    return position, AlternativesOffered(
        reason="callback_offered", message=message, callback=callback
    )


@db
def _holder(session: ChatSession) -> int | None:
    contact = Contact.objects.only("agent_id", "state").get(pk=session.contact_id)
    return contact.agent_id if contact.state in services.IN_HAND else None


class CustomerChatConsumer(FrameConsumer):
    frames: dict[str, tuple[type[BaseModel], str]] = {
        "hello": (HelloIn, "on_hello"),
        "message": (MessageIn, "on_message"),
        "typing": (TypingIn, "on_typing"),
        "end": (EndIn, "on_end"),
        "leave_message": (LeaveMessageIn, "on_leave_message"),
        "callback": (CallbackIn, "on_callback"),
        "visibility": (VisibilityIn, "on_visibility"),
        "bye": (ByeIn, "on_bye"),
    }

    async def connect(self) -> None:
        self.session: ChatSession | None = None
        self.last_sent = 0
        self.group: str | None = None
        self.watcher: asyncio.Task[None] | None = None
        self.checker: asyncio.Task[None] | None = None
        self.told: tuple[Any, ...] = ()
        await self.accept()
        wait = await limits.connection_wait(self.scope)
        self.refused = bool(wait)
        if wait:
            await self.send_error(RelaisError(ProtocolError.TOO_FAST, seconds=wait))
            await self.close(code=CLOSE_TOO_FAST)

    async def disconnect(self, code: int) -> None:
        for task in (self.watcher, self.checker):
            if task is not None:
                task.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.session is not None:
            await db(lease_close)(channel_name=self.channel_name)

    def _session(self) -> ChatSession:
        if self.session is None:
            raise RelaisError(ProtocolError.NOT_AUTHENTICATED)
        return self.session

    async def _paced(self) -> ChatSession:
        """The chat, if this customer may write again now (else `too_fast`: nothing is
        stored)."""
        session = self._session()
        wait = await limits.message_wait(self.scope, session.contact_id)
        if wait:
            raise RelaisError(ProtocolError.TOO_FAST, seconds=wait)
        return session

    async def on_hello(self, frame: HelloIn, ref: str | None) -> None:
        if self.refused:
            return  # closed already (too many connections)
        async with self.busy:  # pushes wait for the messages they continue
            session = await db(selectors.session_for_token)(frame.token)
            self.language = session.language
            if self.group is None:  # subscribed before reading: no message falls between
                self.group = selectors.chat_group(session.contact_id)
                await self.channel_layer.group_add(self.group, self.channel_name)
            self.session = session
            # the customer is here while this connection is open (liveness: chat/liveness.py)
            await db(lease_open)(
                kind=LeaseKind.CHAT, subject_id=session.contact_id, channel_name=self.channel_name
            )
            heartbeat_start()
            welcome, missed = await _hello(session, frame.last_id)
            await self.send_frame(welcome)
            for message in missed:
                await self.send_frame(message)
            # a message committed between reading the session and its messages is among them
            self.last_sent = max(frame.last_id, welcome.last_id, *(m.message.id for m in missed))
        if self.watcher is None and welcome.state == "waiting":
            self.watcher = asyncio.create_task(self._watch_queue())
        if self.checker is None:
            self.checker = asyncio.create_task(self._check_regularly())

    async def on_message(self, frame: MessageIn, ref: str | None) -> None:
        session = await self._paced()
        message = await db(services.customer_message)(
            session=session, body=frame.body, client_id=frame.client_id
        )
        await self.send_ack(ref, client_id=frame.client_id, id=message.seq)

    async def on_typing(self, frame: TypingIn, ref: str | None) -> None:
        session = self._session()
        if await limits.typing_wait(session.contact_id):
            return  # a signal, not content: dropped beyond the limit
        agent_id = await _holder(session)
        if agent_id is not None:
            typing = {"type": "chat.typing", "contact_id": session.contact_id}
            await db(ephemeral_send)(desk_group(agent_id), typing)

    async def on_end(self, frame: EndIn, ref: str | None) -> None:
        await db(services.customer_leave)(session=self._session())

    async def on_visibility(self, frame: VisibilityIn, ref: str | None) -> None:
        self._session()
        await db(lease_mark)(channel_name=self.channel_name, hidden=frame.hidden)

    async def on_bye(self, frame: ByeIn, ref: str | None) -> None:
        self._session()
        await db(lease_mark)(channel_name=self.channel_name, goodbye=True)

    async def on_leave_message(self, frame: LeaveMessageIn, ref: str | None) -> None:
        session = await self._paced()
        form = LeaveMessageForm(
            topic=session.topic.code if session.topic else "",
            name=session.customer_name,
            email=frame.email,
            language=session.language,  # type: ignore[arg-type]
            message=frame.message,
        )
        await db(services.message_leave)(form=form, session=session)
        await self.send_frame(Done(what="message"))

    async def on_callback(self, frame: CallbackIn, ref: str | None) -> None:
        session = await self._paced()
        form = CallbackForm(
            topic=session.topic.code if session.topic else "",
            name=session.customer_name,
            phone=frame.phone,
            at=frame.at,
            language=session.language,  # type: ignore[arg-type]
        )
        await db(services.callback_request)(form=form, session=session)
        await self.send_frame(Done(what="callback"))

    async def _watch_queue(self) -> None:
        """While the customer waits: their position when it changes, and alternatives. The
        first look comes after FIRST_LOOK_S: most chats are answered before."""
        session = self._session()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(FIRST_LOOK_S)
            while True:
                position, alternatives = await _waiting_news(session)
                if alternatives is not None:
                    await self.send_frame(alternatives)
                    return
                if position is None:
                    return
                told = (position.position, position.wait_seconds)
                if told != self.told:
                    self.told = told
                    await self.send_frame(position)
                await asyncio.sleep(POSITION_EVERY_S)

    async def _check_regularly(self) -> None:
        """A safety net for a push that never came (pub/sub delivers at most once) and that
        no later message revealed as a gap: every CHECK_EVERY_S, at a random phase, the
        conversation's last number; a number that was committed at the previous check and is
        still not sent is read from the record and sent (one still in flight is not)."""
        session = self._session()
        behind = 0  # a number already committed at the previous check
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(random.uniform(0, CHECK_EVERY_S))  # noqa: S311 - a phase
            while True:
                with contextlib.suppress(Exception):
                    if behind > self.last_sent:  # its push never came: read the record
                        async with self.busy:
                            await self._send_missed()
                    behind = await _last_seq(session)
                await asyncio.sleep(CHECK_EVERY_S)

    async def _send_missed(self) -> None:
        for message in await _missed(self._session(), self.last_sent):
            if message.message.id > self.last_sent:
                await self.send_frame(message)
                self.last_sent = message.message.id

    # -- from the channel layer ---------------------------------------------------------

    async def chat_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if self.session is None:
            return
        if frame.get("type") != "message":
            await self.send_frame(frame)
            return
        number = frame["message"]["id"]
        if number <= self.last_sent:
            return  # already sent (from the record at hello, or twice)
        if number > self.last_sent + 1:
            for message in await _missed(self.session, self.last_sent):
                await self.send_frame(message)
                self.last_sent = max(self.last_sent, message.message.id)
            self.last_sent = max(self.last_sent, number)
            return
        await self.send_frame(frame)
        self.last_sent = number

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if self.session is not None:
            await self.send_frame(Typing())
