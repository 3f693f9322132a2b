"""Pushes handed to the process's push loop (the router's) leave in order, and stopping the
loop lets those already handed over leave first."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from relais.apps.realtime.push import group_send, start_push_loop, stop_push_loop


async def _waiting(layer: Any, count: int) -> list[dict[str, Any]]:
    """What the browser's channel holds (a push missing fails after 2 s, not never)."""
    received = []
    for _ in range(count):
        try:
            received.append(await asyncio.wait_for(layer.receive("browser"), 2))
        except TimeoutError:
            break
    return received


def test_stopping_the_push_loop_lets_the_pushes_handed_to_it_leave(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    assert layer is not None
    async_to_sync(layer.group_add)("desk-1", "browser")
    loop, thread = start_push_loop()

    for number in range(60):  # from a thread without a loop, as the router's
        group_send("desk-1", "desk.event", {"id": number})
    stop_push_loop(loop, thread)

    assert not thread.is_alive()
    received = async_to_sync(_waiting)(layer, 60)
    assert [m["frame"]["id"] for m in received] == list(range(60))
    assert {m["type"] for m in received} == {"desk.event"}


def test_a_push_reaches_the_group_through_the_configured_layer() -> None:
    """With REDIS_URL (make test-pg) the loop's publisher PUBLISHes through channels_redis's
    pub/sub layer, reading internals of it (realtime/push.py): a new channels_redis
    that changed them fails here."""
    layer = get_channel_layer()
    assert layer is not None
    group = f"desk-test-{uuid.uuid4().hex}"

    async def round_trip() -> dict[str, Any]:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            group_send(group, "desk.event", {"id": 7})  # on this loop: its publisher
            return dict(await asyncio.wait_for(layer.receive(channel), 5))
        finally:
            await layer.group_discard(group, channel)

    assert async_to_sync(round_trip)() == {"type": "desk.event", "frame": {"id": 7}}


def test_the_push_loop_loads_the_channel_layer_before_the_first_push(
    monkeypatch: Any, settings: Any
) -> None:
    # a process that has not used its channel layer yet (the router, just started)
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    monkeypatch.setattr(channel_layers, "backends", {})

    loop, thread = start_push_loop()
    try:
        # the backend is loaded already: the first decision's push will not import it
        assert "default" in channel_layers.backends
    finally:
        stop_push_loop(loop, thread)
