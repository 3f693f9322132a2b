"""Where pushes to browsers leave from, when the caller is not an event loop's thread.

Stored events are pushed through the channel layer after commit (`desktop/events.py:
group_send`). A request's thread hands its pushes to the loop it works for. A thread of its
own, such as the router's, hands them to the loop registered here: the web server's loop
when the router runs inside `relais serve` (where the consumers of an in-memory channel
layer listen), or a loop the `relais router` process runs for its pushes alone, so that the
router never waits for Redis while routing.
"""

from __future__ import annotations

import asyncio
import threading

_server_loop: asyncio.AbstractEventLoop | None = None


def use_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Send this process's pushes from threads without a loop on `loop` (None: stop)."""
    global _server_loop
    _server_loop = loop


def server_loop() -> asyncio.AbstractEventLoop | None:
    return _server_loop


def start_push_loop() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    """An event loop in a daemon thread, registered for this process's pushes."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="relais-push", daemon=True)
    thread.start()
    use_server_loop(loop)
    return loop, thread


def stop_push_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    """Let the pushes under way leave (a moment), then stop the loop."""
    use_server_loop(None)

    async def drain() -> None:
        await asyncio.sleep(0.5)

    asyncio.run_coroutine_threadsafe(drain(), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
