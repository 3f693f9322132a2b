"""Pushes to browsers: stored events, sent through the channel layer after commit.

`send_frame_on_commit` is how a service pushes: the frame leaves when (and only if) the
outermost transaction commits. `group_send` sends a frame to a group's consumers at once
(`handler` names their method). A failed push never undoes what was committed: the
consumers read what they missed from the record (docs/events-protocol.md).

A thread that works for an event loop (a request, a consumer's database call) hands its
pushes to that loop and goes on: it never waits for Redis while holding a database
connection. A thread of its own, such as the router's, hands them to the loop registered
here: the web server's loop when the router runs inside `relais serve` (where the consumers
of an in-memory channel layer listen), or a loop the `relais router` process runs for its
pushes alone, so that routing never waits for Redis.

On each loop one publisher sends the pushes in the order they came, so pushes to a group
arrive in order. With Redis publish/subscribe it sends all the pushes waiting at that moment
in one pipeline, one round trip: channels_redis publishes one at a time under a lock it
shares with subscriptions, where pushes waited under load (docs/desktop.md, "Under load").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import weakref
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from pydantic import BaseModel

from relais.apps.realtime.threads import caller_loop

logger = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None

BATCH = 500  # pushes per pipeline at most


def use_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Send this process's pushes from threads without a loop on `loop` (None: stop)."""
    global _server_loop
    _server_loop = loop


def server_loop() -> asyncio.AbstractEventLoop | None:
    return _server_loop


def warm_channel_layer() -> None:
    """Load the channel layer's backend now: its first use imports it (about 300 ms of
    Python here, more under load), holding every other thread of the process up. Left to
    the first push, it stalled the router's first decisions after a start or a failover."""
    get_channel_layer()


def start_push_loop() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    """An event loop in a daemon thread, registered for this process's pushes (the channel
    layer loaded first: `warm_channel_layer`)."""
    warm_channel_layer()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="relais-push", daemon=True)
    thread.start()
    use_server_loop(loop)
    return loop, thread


def stop_push_loop(
    loop: asyncio.AbstractEventLoop, thread: threading.Thread, wait_s: float = 5.0
) -> None:
    """Let the pushes handed to the loop leave (for `wait_s` at most), then stop it."""
    use_server_loop(None)

    async def drain() -> None:
        publisher = _publishers.get(loop)
        if publisher is not None:
            await asyncio.wait_for(publisher.queue.join(), wait_s)

    try:
        asyncio.run_coroutine_threadsafe(drain(), loop).result(timeout=wait_s + 1)
    except TimeoutError:
        logger.warning("pushes still waiting when the push loop stopped")
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def send_frame_on_commit(group: str, frame: BaseModel | dict[str, Any], *, handler: str) -> None:
    """Send `frame` to a group's consumers (their method `handler`) once the transaction
    commits; nothing is sent if it rolls back. Outside a transaction: at once."""
    payload = frame.model_dump(mode="json") if isinstance(frame, BaseModel) else frame
    transaction.on_commit(lambda: group_send(group, handler, payload))


def group_send(group: str, handler: str, frame: dict[str, Any]) -> None:
    """Send `frame` to a group's consumers; from any thread, never waiting for the layer
    when a loop can take the push."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": handler, "frame": frame}
    with contextlib.suppress(RuntimeError):
        asyncio.get_running_loop()
        _publisher(layer).put(group, message)  # on a loop's own thread
        return
    loop = _caller_loop()
    if loop is not None:
        loop.call_soon_threadsafe(lambda: _publisher(layer).put(group, message))
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("could not push %s to %s", frame.get("type"), group)


def _caller_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop this (loopless) thread works for: the consumers' database threads
    (realtime/threads.py), the loop registered for the process, or asgiref's
    sync_to_async."""
    ours = caller_loop()  # a call on the consumers' database threads
    if ours is not None and ours.is_running():
        return ours
    server = server_loop()
    if server is not None and server.is_running():
        return server
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    return loop if loop is not None and loop.is_running() else None


_publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher] = (
    weakref.WeakKeyDictionary()
)


def _publisher(layer: Any) -> _Publisher:
    """This loop's publisher (on the loop's thread)."""
    loop = asyncio.get_running_loop()
    publisher = _publishers.get(loop)
    if publisher is None or publisher.layer is not layer:
        publisher = _publishers[loop] = _Publisher(layer, loop)
    return publisher


class _Publisher:
    """The pushes of one event loop, sent in order by one task."""

    def __init__(self, layer: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.redis: Any = None
        self.pubsub = type(layer).__name__ == "RedisPubSubChannelLayer"
        self.task = loop.create_task(self._run())

    def put(self, group: str, message: dict[str, Any]) -> None:
        self.queue.put_nowait((group, message))

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < BATCH:
                batch.append(self.queue.get_nowait())
            try:
                if self.pubsub:
                    await self._pipeline(batch)
                else:
                    for group, message in batch:
                        await self.layer.group_send(group, message)
            except Exception:
                logger.exception("could not push %d frames", len(batch))
                self.redis = None
            finally:
                for _ in batch:
                    self.queue.task_done()  # `stop_push_loop` waits for them

    async def _pipeline(self, batch: list[tuple[str, dict[str, Any]]]) -> None:
        """PUBLISH each push to its group's Redis channel, all in one round trip. Reads
        channels_redis internals (its shards' address, its group channel names): the
        version is bounded in pyproject.toml, and tests/apps/interactions/test_push.py
        fails on PostgreSQL + Redis if they change."""
        inner = self.layer._get_layer()  # this loop's RedisPubSubLoopLayer
        if self.redis is None:
            from redis.asyncio import Redis

            host = inner._shards[0].host
            self.redis = Redis.from_url(host["address"], socket_timeout=30)
        async with self.redis.pipeline(transaction=False) as pipe:
            for group, message in batch:
                pipe.publish(inner._get_group_channel_name(group), self.layer.serialize(message))
            await pipe.execute()
