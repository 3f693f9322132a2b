"""The base of every WebSocket consumer: typed JSON frames in, error frames on bad input.

A frame is a JSON object with a `type`. A frame that is not JSON, too large, of an unknown
type, invalid for its type, or refused by a service gets `{"type": "error", "code",
"message", "ref"}` (the message in the person's language); nothing changes and the
connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from pydantic import BaseModel, ValidationError
from uvicorn.protocols.utils import ClientDisconnected

from relais.apps.errors import RelaisError
from relais.apps.realtime.errors import ErrorCode
from relais.apps.realtime.frames import Ack, ErrorOut, SessionEnded
from relais.apps.realtime.selectors import session_end_reason
from relais.apps.realtime.services import leases_heartbeat, leases_purge
from relais.apps.realtime.sessions import (
    CLOSE_SESSION_ENDED,
    SessionEndReason,
    session_group,
    user_group,
)
from relais.apps.realtime.threads import DatabaseThreads

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8192
MAX_PENDING_FRAMES = 100  # frames received and not handled yet, per connection
#: A signed-in socket that handles no frame still checks its session this often.
SESSION_IDLE_CHECK_S = 30.0

Handler = Callable[[Any], Awaitable[None]]

#: Threads that run the consumers' database calls on PostgreSQL (`RELAIS_WS_DB_THREADS`,
#: docs/desktop.md "Under load"). Each call is a whole unit of work (its own transaction, a
#: connection from the pool), so calls need not queue on Channels' single thread-sensitive
#: thread. SQLite serialises writes anyway (and an in-memory test database locks whole
#: tables): there, the single thread as before.
_db_threads = DatabaseThreads(settings.WS_DB_THREADS, "relais-ws-db")


def db[**P, R](function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`function` as a coroutine run on the consumers' database threads."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return database_sync_to_async(function)  # type: ignore[no-any-return]
    return _db_threads.wrap(function)


_heartbeats: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
    weakref.WeakKeyDictionary()
)
PURGE_EVERY = 720  # heartbeats between two purges of long-closed connections


def heartbeat_start() -> None:
    """Mark this process's open connections seen every `settings.LEASE_HEARTBEAT_S`, from
    the running loop (started once per loop, by the first consumer that holds a lease)."""
    loop = asyncio.get_running_loop()
    task = _heartbeats.get(loop)
    if task is None or task.done():
        _heartbeats[loop] = loop.create_task(_beat())


async def _beat() -> None:
    beats = 0
    while True:
        await asyncio.sleep(settings.LEASE_HEARTBEAT_S)
        try:
            await db(leases_heartbeat)()
            beats += 1
            if beats % PURGE_EVERY == 0:
                await db(leases_purge)()
        except Exception:  # the next beat tries again; three missed ones make leases stale
            logger.exception("lease heartbeat failed")


class FrameConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """The client's frames are handled one after the other, in order, on a task of their
    own; what the channel layer brings (pushes) is handled at once, without waiting for the
    database call a frame is making: an offer is not held up behind the agent's last message.

    `busy` guards what the client is sent from the record: held by the push handlers, by
    `hello` (which reads the state the pushes continue) and by the periodic safety nets."""

    #: frame type -> (input schema, method name)
    frames: dict[str, tuple[type[BaseModel], str]] = {}
    language = "fr"
    _busy: asyncio.Lock | None = None
    _inbox: asyncio.Queue[dict[str, Any]] | None = None
    _worker: asyncio.Task[None] | None = None

    @property
    def busy(self) -> asyncio.Lock:
        if self._busy is None:
            self._busy = asyncio.Lock()
        return self._busy

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without its `close_old_connections` hop through the shared
        thread-sensitive thread for every message: this loop's thread never touches the
        database (`db` calls close their connections themselves)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        kind = message["type"]
        if kind == "websocket.receive":
            await self._queue_frame(message)
        elif kind.startswith("websocket."):
            if kind == "websocket.disconnect" and self._worker is not None:
                self._worker.cancel()
            await handler(message)
        else:
            async with self.busy:
                await handler(message)

    async def _queue_frame(self, message: dict[str, Any]) -> None:
        if self._inbox is None:
            self._inbox = asyncio.Queue()
            self._worker = asyncio.create_task(self._handle_frames(self._inbox))
        if self._inbox.qsize() >= MAX_PENDING_FRAMES:  # a client that never waits
            await self.send_error(RelaisError(ErrorCode.TOO_MANY_FRAMES, limit=MAX_PENDING_FRAMES))
            return
        self._inbox.put_nowait(message)

    async def _handle_frames(self, inbox: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            message = await inbox.get()
            if getattr(self, "session_over", False):
                return
            try:
                await self.websocket_receive(message)
            except asyncio.CancelledError:
                raise
            except ClientDisconnected:  # the answer found the client gone: nothing to do
                return
            except Exception:  # the connection stays usable for the next frame
                logger.exception("frame handling failed")

    async def send_frame(self, frame: BaseModel | dict[str, Any]) -> None:
        if isinstance(frame, BaseModel):
            text = frame.model_dump_json()  # pydantic's own serializer: no dict in between
        else:
            text = json.dumps(frame, separators=(",", ":"))
        await self.send(text_data=text)

    async def send_ack(self, ref: str | None, **fields: Any) -> None:
        """The frame `ref` was done (and what it stored is committed)."""
        await self.send_frame(Ack(ref=ref, **fields))

    async def send_error(self, error: RelaisError, ref: str | None = None) -> None:
        with translation.override(self.language):
            message = error.message
        retry_after = error.params.get("seconds") if error.code is ErrorCode.TOO_FAST else None
        await self.send_frame(
            ErrorOut(code=error.code.value, message=message, ref=ref, retry_after=retry_after)
        )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw.encode()) > MAX_FRAME_BYTES:
            await self.send_error(RelaisError(ErrorCode.FRAME_TOO_LARGE, limit=MAX_FRAME_BYTES))
            return
        try:
            data = json.loads(raw)
        except ValueError:
            await self.send_error(RelaisError(ErrorCode.MALFORMED_JSON))
            return
        if not isinstance(data, dict):
            await self.send_error(RelaisError(ErrorCode.MALFORMED_JSON))
            return
        ref = data.pop("ref", None)
        ref = str(ref)[:64] if ref is not None else None
        kind = data.get("type")
        entry = self.frames.get(kind) if isinstance(kind, str) else None
        if entry is None:
            await self.send_error(RelaisError(ErrorCode.UNKNOWN_TYPE, value=str(kind)[:40]), ref)
            return
        schema, method = entry
        try:
            frame = schema.model_validate(data)
        except ValidationError as invalid:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in invalid.errors()[:3]
            )
            await self.send_error(RelaisError(ErrorCode.INVALID_FRAME, detail=detail), ref)
            return
        try:
            await getattr(self, method)(frame, ref)
        except RelaisError as refused:
            await self.send_error(refused, ref)


class SessionBoundConsumer:
    """What a signed-in consumer adds (mixed in before its base: `class
    DesktopConsumer(SessionBoundConsumer, FrameConsumer)`): its socket obeys the session
    (docs/security.md, "Live connections").

    `session_bind(user)` (once the connection is accepted) joins the user's and the
    session's groups, where `sockets_close_for_user` / `sockets_close_for_session` reach it;
    `session_unbind()` (on disconnect) leaves them. Every message handled afterwards, a frame
    from the browser or a push, first checks that the session still holds (the user active,
    the session alive and signed with their current password), at most every
    `settings.SESSION_CHECK_S` seconds, and every `SESSION_IDLE_CHECK_S` without messages: a
    lost push still ends the socket. A session that ended: the message is dropped, the
    browser gets a last `session.ended` frame and the socket closes with 4401."""

    language = "fr"
    session_user_id: int | None = None
    session_key: str | None = None
    session_over = False
    _session_groups: tuple[str, ...] = ()
    _session_checked_at = 0.0
    _session_watcher: asyncio.Task[None] | None = None

    async def session_bind(self, user: Any) -> None:
        self.session_user_id = user.pk
        session = self.scope.get("session")  # type: ignore[attr-defined]
        self.session_key = getattr(session, "session_key", None)
        groups = [user_group(user.pk)]
        if self.session_key:
            groups.append(session_group(self.session_key))
        self._session_groups = tuple(groups)
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)  # type: ignore[attr-defined]
        self._session_checked_at = time.monotonic()
        self._session_watcher = asyncio.create_task(self._session_watch())

    async def session_unbind(self) -> None:
        if self._session_watcher is not None:
            self._session_watcher.cancel()
        for group in self._session_groups:
            await self.channel_layer.group_discard(group, self.channel_name)  # type: ignore[attr-defined]
        self._session_groups = ()

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind != "websocket.disconnect":
            if self.session_over:
                return  # ended: nothing more is handled or sent
            if kind not in {"websocket.connect", "session.end"} and not await self.session_holds():
                return
        await super().dispatch(message)  # type: ignore[misc]

    async def session_holds(self, *, now: bool = False) -> bool:
        """Whether the session still holds (read again when the last read is older than
        `settings.SESSION_CHECK_S`, or `now`); when it does not, the socket ends."""
        if self.session_user_id is None or self.session_over:
            return not self.session_over
        if not now and time.monotonic() - self._session_checked_at < settings.SESSION_CHECK_S:
            return True
        self._session_checked_at = time.monotonic()
        reason = await db(session_end_reason)(
            user_id=self.session_user_id, session_key=self.session_key
        )
        if reason is None:
            return True
        await self.session_finish(reason)
        return False

    async def session_end(self, event: dict[str, Any]) -> None:
        """`sockets_close_for_user` / `sockets_close_for_session` reached this socket."""
        try:
            reason = SessionEndReason(event["frame"]["reason"])
        except (KeyError, ValueError):
            reason = SessionEndReason.SESSION_ENDED
        await self.session_finish(reason)

    async def session_finish(self, reason: SessionEndReason) -> None:
        """The last frame, then the close (4401). The disconnect that follows runs the
        consumer's own `disconnect` (an agent's desktop: its lease closes, as any)."""
        if self.session_over:
            return
        self.session_over = True
        with translation.override(self.language):
            frame = SessionEnded(reason=reason.value, message=str(reason.message))
        with contextlib.suppress(Exception):  # the browser may be gone already
            await self.send(text_data=frame.model_dump_json())  # type: ignore[attr-defined]
        await self.close(code=CLOSE_SESSION_ENDED)  # type: ignore[attr-defined]
        logger.info("socket of user %s closed: %s", self.session_user_id, reason.value)

    async def _session_watch(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(random.uniform(0, SESSION_IDLE_CHECK_S))  # noqa: S311 - a phase
            while not self.session_over:
                with contextlib.suppress(Exception):  # the next turn tries again
                    await self.session_holds(now=True)
                await asyncio.sleep(SESSION_IDLE_CHECK_S)
