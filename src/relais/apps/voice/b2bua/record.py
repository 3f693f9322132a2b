"""The B2BUA's one door to the database: a worker thread (docs/voice.md, "Call control").

sippy's reactor never touches Django. It hands a job (a control API call) to `RecordWorker`,
which runs it on its own thread and its own database connection, and gives the result back
to the reactor with `ED2.callFromThread`. Between jobs the worker follows the offers feed
and hands its commands (ring this agent, stop ringing, transferred, requeued, closed) to
the reactor.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("relais.voice")


Done = Callable[[Any, BaseException | None], None]


class RecordWorker:
    """Runs record jobs one at a time on a thread of its own; follows the offers feed."""

    def __init__(
        self,
        *,
        deliver: Callable[..., None],
        feed: Callable[[], list[Any]] | None,
        poll_s: float = 0.05,  # the router polls its log as often (relais router --poll)
    ) -> None:
        self.deliver = deliver  # ED2.callFromThread: runs a function on the reactor thread
        self.feed = feed
        self.poll_s = poll_s
        self.on_feed: Callable[[list[Any]], None] | None = None
        self.fed_at = 0.0  # time.monotonic() of the last read of the feed
        self.jobs: queue.Queue[tuple[Callable[..., Any], dict[str, Any], Done | None] | None]
        self.jobs = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="relais-voice-record", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(5)

    def submit(self, job: Callable[..., Any], done: Done | None = None, **kwargs: Any) -> None:
        """Runs `job(**kwargs)` on the worker; `done(result, error)` then runs on the reactor."""
        self.jobs.put((job, kwargs, done))

    def _run(self) -> None:
        from django.db import close_old_connections, connection

        try:
            while True:
                try:
                    item = self.jobs.get(timeout=self.poll_s)
                except queue.Empty:
                    self._follow_feed()
                    continue
                if item is None:
                    return
                job, kwargs, done = item
                close_old_connections()
                try:
                    result, error = job(**kwargs), None
                except Exception as exception:  # handed to the reactor, which decides
                    result, error = None, exception
                    if not _expected(exception):
                        logger.exception("voice: %s failed", getattr(job, "__name__", job))
                if done is not None:
                    self.deliver(done, result, error)
                # between jobs when idle, and at least every poll_s under a steady flow of
                # jobs (which would otherwise keep new offers from ringing)
                if self.jobs.empty() or time.monotonic() - self.fed_at >= self.poll_s:
                    self._follow_feed()
        finally:
            connection.close()

    def _follow_feed(self) -> None:
        self.fed_at = time.monotonic()
        if self.feed is None or self.on_feed is None:
            return
        try:
            events = self.feed()
        except Exception:
            logger.exception("voice: reading the offers feed failed")
            from django.db import connection

            connection.close()
            return
        if events:
            self.deliver(self.on_feed, events)


def _expected(exception: Exception) -> bool:
    from relais.apps.errors import RelaisError

    return isinstance(exception, RelaisError)
