"""The B2BUA's one door to the database: worker threads (docs/voice.md, "Call control").

sippy's reactor never touches Django. It hands a job (a control API call) to `RecordWorker`,
which runs it on a thread of its own, on that thread's database connection, and gives the
result back to the reactor with `ED2.callFromThread`.

Jobs run in lanes, one thread each: a call's jobs all go to the lane its Call-ID picks
(`lane=`), so they run in the order the reactor gave them (arrived, ringing, answered, ended),
while different calls' jobs run side by side; jobs without a lane (taking over, the calls to
restore) go to the first lane, which also follows the offers feed and hands its commands (ring
this agent, stop ringing, transferred, requeued, closed) to the reactor: between jobs when
idle, and at least every `poll_s` under a steady flow of jobs.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("relais.voice")


Done = Callable[[Any, BaseException | None], None]
Job = tuple[Callable[..., Any], dict[str, Any], Done | None]


class RecordWorker:
    """Runs record jobs on `lanes` threads, a call's jobs in order on one; follows the feed."""

    def __init__(
        self,
        *,
        deliver: Callable[..., None],
        feed: Callable[[], list[Any]] | None,
        poll_s: float = 0.05,  # the router polls its log as often (relais router --poll)
        lanes: int = 4,
    ) -> None:
        self.deliver = deliver  # ED2.callFromThread: runs a function on the reactor thread
        self.feed = feed
        self.poll_s = poll_s
        self.on_feed: Callable[[list[Any]], None] | None = None
        self.fed_at = 0.0  # time.monotonic() of the last read of the feed
        self.queues: list[queue.Queue[Job | None]] = [queue.Queue() for _ in range(lanes)]
        self.threads = [
            threading.Thread(
                target=self._run, args=(index,), name=f"relais-voice-record-{index}", daemon=True
            )
            for index in range(lanes)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        for jobs in self.queues:
            jobs.put(None)
        for thread in self.threads:
            thread.join(5)

    def submit(
        self, job: Callable[..., Any], done: Done | None = None, *, lane: str = "", **kwargs: Any
    ) -> None:
        """Runs `job(**kwargs)` on a worker, after the jobs given before with the same `lane`
        (a call's Call-ID); `done(result, error)` then runs on the reactor."""
        index = zlib.crc32(lane.encode()) % len(self.queues) if lane else 0
        self.queues[index].put((job, kwargs, done))

    def _run(self, index: int) -> None:
        from django.db import close_old_connections, connection

        jobs = self.queues[index]
        follows = index == 0
        try:
            while True:
                try:
                    item = jobs.get(timeout=self.poll_s if follows else None)
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
                if follows and (jobs.empty() or time.monotonic() - self.fed_at >= self.poll_s):
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
