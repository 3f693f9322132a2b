"""One active process among several: a PostgreSQL session advisory lock on its own connection.

The router (`relais router`) and the voice service (`relais voice`) each run as an
active/standby pair this way, with their own lock key: every process tries the lock; the
one that holds it is active, the others retry every second; when the active process dies
its session ends, the lock is released, and a standby takes over. On SQLite there is no
lock: run one process only.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.db import connection

from relais.apps.realtime.listening import dedicated_connection

logger = logging.getLogger("relais.leadership")

STANDBY_RETRY_S = 1.0

#: The leadership of each role running in this process, for its health (apps/operations).
LEADERSHIPS: dict[str, Leadership] = {}


class Leadership:
    """The advisory lock `lock_key`, held on a dedicated connection named after `role`;
    `listen`: a NOTIFY channel the same connection listens on once active."""

    def __init__(self, lock_key: int, *, role: str, listen: str | None = None) -> None:
        self.lock_key = lock_key
        self.role = role
        self.listen = listen
        self.conn: Any = None
        #: What the health checks read: `starting`, `standby` or `active`; when the process's
        #: loop last went round (monotonic seconds); why the lock could not be tried.
        self.state = "starting"
        self.beat = time.monotonic()
        self.error = ""
        LEADERSHIPS[role] = self

    def beat_now(self, state: str | None = None) -> None:
        """The process's loop went round (and is now in `state`)."""
        self.beat = time.monotonic()
        if state is not None:
            self.state = state

    @property
    def needed(self) -> bool:
        return connection.vendor == "postgresql"

    def acquire(self, stop: threading.Event) -> bool:
        """Wait (standby) until this process holds the lock, or `stop` is set."""
        import psycopg

        announced = False
        while not stop.is_set():
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = dedicated_connection(self.role)
                row = self.conn.execute(
                    "SELECT pg_try_advisory_lock(%s)", [self.lock_key]
                ).fetchone()
                self.error = ""
                if row and row[0]:
                    if self.listen:
                        self.conn.execute(f"LISTEN {self.listen}")
                    logger.info("%s %s: active", self.role, os.getpid())
                    self.beat_now("active")
                    return True
            except psycopg.Error as error:
                logger.exception("%s: cannot reach the database for the lock", self.role)
                self.error = str(error).splitlines()[0] if str(error) else type(error).__name__
                self.release()
            self.beat_now("standby")
            if not announced:
                logger.info("%s %s: standby", self.role, os.getpid())
                announced = True
            stop.wait(STANDBY_RETRY_S)
        return False

    def wait(self, timeout: float) -> None:
        """Sleep until a NOTIFY on `listen` or `timeout`; raises if the lock's connection is
        gone (the lock with it)."""
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def alive(self) -> bool:
        """Whether the lock's connection (and so the lock) is still there."""
        if self.conn is None or self.conn.closed:
            return False
        try:
            self.conn.execute("SELECT 1")
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
