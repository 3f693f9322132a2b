"""The B2BUA's one door to the database: worker threads (docs/voice.md, "Call control").

sippy's reactor never touches Django. It hands a job (a control API call) to `RecordWorker`,
which runs it on a thread of its own, on that thread's database connection, and gives the
result back to the reactor with `ED2.callFromThread`.

Jobs run in lanes, one thread each: a call's jobs all go to the lane its Call-ID picks
(`lane=`), so they run in the order the reactor gave them (arrived, ringing, answered, ended),
while different calls' jobs run side by side; jobs without a lane (taking over, the calls to
restore) go to the first lane. An `urgent` job (a new call's `call_arrived`: the caller waits
for it, and the router can offer the call only once it is recorded) goes before the jobs
already waiting in its lane; it is a call's first job, so the call's own order is kept. A
`background` job (saving a call's dialog for a standby) goes after every other job waiting:
when the calls come faster than the worker writes (bench.voice_load, 20 calls a second), the
jobs that free an agent or ring one are not held up by those that only keep a copy; the
background jobs keep their own order.

The offers feed (ring this agent, stop ringing, transferred, requeued, closed) has a thread
of its own, which reads it as soon as the router's decisions commit (PostgreSQL's NOTIFY; a
poll every `poll_s` without) and hands its commands to the reactor: a backlog of record jobs
under a burst of calls never delays the ringing of an agent.
"""

from __future__ import annotations

import itertools
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
#: (priority, sequence, job); None stops the lane
Item = tuple[int, int, Job | None]
URGENT, IN_TURN, BACKGROUND = 0, 1, 2
STOP = 3  # after every job
#: With the router's notifications, the feed is still read this often (lines no decision
#: follows: a contact closed from a desktop).
LISTENING_POLL_S = 0.25


class RecordWorker:
    """Runs record jobs on `lanes` threads, a call's jobs in order on one; follows the feed
    on another."""

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
        self.stopping = threading.Event()
        self.sequence = itertools.count()
        self.queues: list[queue.PriorityQueue[Item]] = [queue.PriorityQueue() for _ in range(lanes)]
        self.threads = [
            threading.Thread(
                target=self._run, args=(index,), name=f"relais-voice-record-{index}", daemon=True
            )
            for index in range(lanes)
        ]
        self.threads.append(
            threading.Thread(target=self._follow, name="relais-voice-feed", daemon=True)
        )

    def start(self) -> None:
        # what the first calls' jobs would otherwise load while the calls wait
        from relais.apps.realtime.push import warm_channel_layer

        warm_channel_layer()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for jobs in self.queues:
            jobs.put((STOP, next(self.sequence), None))
        for thread in self.threads:
            thread.join(5)

    def submit(
        self,
        job: Callable[..., Any],
        done: Done | None = None,
        *,
        lane: str = "",
        urgent: bool = False,
        background: bool = False,
        **kwargs: Any,
    ) -> None:
        """Runs `job(**kwargs)` on a worker, after the jobs given before with the same `lane`
        (a call's Call-ID; `urgent`: before every job waiting in that lane; `background`:
        after them, and after those given later but not in the background); `done(result,
        error)` then runs on the reactor."""
        index = zlib.crc32(lane.encode()) % len(self.queues) if lane else 0
        priority = URGENT if urgent else BACKGROUND if background else IN_TURN
        self.queues[index].put((priority, next(self.sequence), (job, kwargs, done)))

    def _run(self, index: int) -> None:
        from django.db import close_old_connections, connection

        jobs = self.queues[index]
        try:
            while True:
                _priority, _sequence, item = jobs.get()
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
        finally:
            connection.close()

    def _follow(self) -> None:
        """Reads the offers feed when the router's decisions commit (PostgreSQL's NOTIFY), and
        every `LISTENING_POLL_S` for the other lines (a contact closed from a desktop); without
        notifications (SQLite), every `poll_s` (from the start of one read to the next)."""
        from django.db import close_old_connections, connection

        from relais.apps.interactions.log import DECIDED_CHANNEL
        from relais.apps.realtime.listening import Listener

        listener = Listener((DECIDED_CHANNEL,), role="voice-feed")
        interval = max(self.poll_s, LISTENING_POLL_S) if listener.enabled else self.poll_s
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                close_old_connections()
                self._follow_feed()
                listener.wait(max(0.0, interval - (time.monotonic() - started)))
        finally:
            listener.close()
            connection.close()

    def _follow_feed(self) -> None:
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
