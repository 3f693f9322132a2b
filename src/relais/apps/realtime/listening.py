"""PostgreSQL connections of a process's own, outside Django's pool: the leadership lock's,
and a listener's, which wakes a reader of the record when a NOTIFY comes.

A NOTIFY is delivered at the commit of the transaction that sent it, so a reader woken by one
sees what that transaction wrote. On SQLite, or while the database cannot be reached, a
listener just sleeps its timeout: the reader polls as it would without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any

from django.db import connection

logger = logging.getLogger("relais.listening")


def dedicated_connection(role: str) -> Any:
    """A new autocommit connection to the default database, named after `role` and this
    process in `pg_stat_activity`."""
    import psycopg

    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        host=database["HOST"] or database["OPTIONS"].get("host") or None,
        port=database["PORT"] or None,
        autocommit=True,
        application_name=f"relais-{role}-{os.getpid()}",
    )


class Listener:
    """LISTENs on `channels` on a connection of its own; `wait(timeout)` returns at the first
    NOTIFY (True) or after `timeout` (False). Opened at the first wait."""

    def __init__(self, channels: tuple[str, ...], *, role: str) -> None:
        self.channels = channels
        self.role = role
        self.conn: Any = None
        self.enabled = connection.vendor == "postgresql"

    def wait(self, timeout: float) -> bool:
        if not self.enabled:
            time.sleep(timeout)
            return False
        started = time.monotonic()
        try:
            if self.conn is None or self.conn.closed:
                self.conn = dedicated_connection(self.role)
                for channel in self.channels:
                    self.conn.execute(f"LISTEN {channel}")
            left = max(0.0, timeout - (time.monotonic() - started))
            return any(True for _ in self.conn.notifies(timeout=left, stop_after=1))
        except Exception:
            logger.warning("%s: cannot listen for notifications; polling", self.role)
            self.close()
            time.sleep(max(0.0, timeout - (time.monotonic() - started)))
            return False

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # gone already
                conn.close()
