"""Database calls from an event loop, on a fixed set of threads fed by one queue.

Every WebSocket frame and every pre-chat form makes one such call: a whole unit of work (its
own transaction, a pooled connection taken and given back). Through asgiref's `SyncToAsync`
and a `ThreadPoolExecutor`, each call paid for a context-switching wrapper and for the
executor's thread accounting, whose lock the event loop thread waited on while a database
thread held it (measured in docs/desktop.md, "Under load"). Here the loop puts the call on a
`queue.SimpleQueue` (a lock-free hand-off in C) and awaits a future; a thread runs the call
in a copy of the caller's context and settles the future through `call_soon_threadsafe`.

A thread knows the loop it works for (`caller_loop`): pushes made during the call leave from
that loop (realtime/push.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from django.db import close_old_connections

_local = threading.local()

type _Job = tuple[
    asyncio.AbstractEventLoop,
    asyncio.Future[Any],
    contextvars.Context,
    Callable[..., Any],
    tuple[Any, ...],
    dict[str, Any],
]


def caller_loop() -> asyncio.AbstractEventLoop | None:
    """The loop whose call this thread is running, if it is one of ours."""
    return getattr(_local, "loop", None)


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return  # its awaiter went away; the work itself was done (and committed)
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class DatabaseThreads:
    """`size` daemon threads, started on the first call."""

    def __init__(self, size: int, name: str) -> None:
        self.size = size
        self.name = name
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    def call[**P, R](
        self, function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> asyncio.Future[R]:
        """Run `function(*args, **kwargs)` on one of the threads; await the result."""
        if not self._started:
            self._start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._jobs.put((loop, future, contextvars.copy_context(), function, args, kwargs))
        return future

    def wrap[**P, R](self, function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
        """`function` as a coroutine function run on these threads."""

        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> asyncio.Future[R]:
            return self.call(function, *args, **kwargs)

        return run

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for n in range(self.size):
                threading.Thread(target=self._work, name=f"{self.name}-{n}", daemon=True).start()
            self._started = True

    def _work(self) -> None:
        while True:
            loop, future, context, function, args, kwargs = self._jobs.get()
            _local.loop = loop
            close_old_connections()
            try:
                ok, value = True, context.run(function, *args, **kwargs)
            except BaseException as error:  # handed to the awaiter, as an executor does
                ok, value = False, error
            finally:
                close_old_connections()
                _local.loop = None
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
                loop.call_soon_threadsafe(_settle, future, ok, value)
