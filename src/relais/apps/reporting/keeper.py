"""Keeping the interval statistics current inside the running server (`relais serve`).

A daemon thread runs `stats_update` every few seconds (``settings.STATS_EVERY_S``, 5 by
default), so the reports show today's figures without anyone running `relais stats`. With
several web processes on PostgreSQL each runs one; the cursor's row lock lets one update at
a time and the others skip their turn. On SQLite run one server process (the default).
An error is logged and the next turn tries again: the update is idempotent.

An update reads the whole agent event log for each agent's state before its window, so it
slows as the log grows (docs/supervision.md has the figures); the pause after an update is
at least ``SHARE`` times its duration, so the keeper never takes more than a fifth of a core.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection

from relais.apps.reporting.stats import stats_update

logger = logging.getLogger("relais.stats")

#: The pause after an update is at least this many times the update's duration.
SHARE = 4.0


class StatsKeeper(threading.Thread):
    """Updates the statistics every ``every`` seconds until `stop()`; ``updated`` is set
    after each update this process made (not after a turn skipped for another process)."""

    def __init__(self, *, every: float | None = None) -> None:
        super().__init__(name="relais-stats", daemon=True)
        self.every: float = settings.STATS_EVERY_S if every is None else every
        self.updated = threading.Event()
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                if stats_update(wait=False) is not None:
                    self.updated.set()
            except Exception:
                logger.exception("stats: update failed; trying again in %.0f s", self.every)
            finally:
                connection.close()  # back to the pool between turns
            self._stopping.wait(max(self.every, SHARE * (time.monotonic() - started)))

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the update in hand, then stop."""
        self._stopping.set()
        self.join(timeout)


def start_stats_keeper(*, every: float | None = None) -> StatsKeeper:
    keeper = StatsKeeper(every=every)
    keeper.start()
    return keeper
