"""Running the router: alone (`relais router`) or inside the web server (`relais serve`).

On PostgreSQL every router process first takes a session advisory lock on its own
connection (`realtime.leadership`): exactly one is active, the others stand by and retry
every second; when the active process dies its session ends, the lock is released, and a
standby takes over, rebuilding from the record. The same connection LISTENs for the
notification that API transactions send at commit, so the router wakes at once. On SQLite
there is no lock: run one router only, in the server's process (the default of `relais serve`).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from relais.apps.interactions.decisions import RecordConflict
from relais.apps.interactions.log import NOTIFY_CHANNEL, router_wakeup
from relais.apps.realtime.duties import duties_run_due
from relais.apps.realtime.leadership import STANDBY_RETRY_S, Leadership
from relais.apps.realtime.push import start_push_loop, stop_push_loop
from relais.apps.router.router import Diverged, Router, wait_hint

logger = logging.getLogger("relais.router")

LOCK_KEY = 0x52_4F_55_54  # "ROUT"


def run_router(stop: threading.Event, *, poll_s: float | None = None) -> None:
    """Route until `stop` is set: standby, then active, and back to standby if the
    lock's connection is lost. Between two wake-ups it reads the log every `poll_s`
    seconds (`settings.ROUTER_POLL_S` unless given)."""
    poll_s = settings.ROUTER_POLL_S if poll_s is None else poll_s
    leadership = Leadership(LOCK_KEY, role="router", listen=NOTIFY_CHANNEL)
    try:
        while not stop.is_set():
            if leadership.needed and not leadership.acquire(stop):
                return
            try:
                _route(stop, leadership, poll_s)
            except Exception:
                logger.exception("router: stopped routing; starting again")
                leadership.release()
                close_old_connections()
                stop.wait(STANDBY_RETRY_S)
    finally:
        leadership.release()
        connection.close()


def _route(stop: threading.Event, leadership: Leadership, poll_s: float) -> None:
    router = Router()
    router.rebuild()
    while not stop.is_set():
        leadership.beat_now("active")  # the health check's sign of life (apps/operations)
        router_wakeup.clear()
        try:
            applied = router.step()
        except (Diverged, RecordConflict) as disagreement:
            logger.warning("router: %s; rebuilding from the record", disagreement)
            router.rebuild()
            continue
        except DatabaseError:
            logger.exception("router: database error; rebuilding from the record")
            connection.close()
            stop.wait(STANDBY_RETRY_S)
            router.rebuild()
            continue
        duties_run_due()  # on the active router only (customers gone, ...)
        if applied:
            continue
        timeout = wait_hint(router, poll_s)
        if leadership.needed:
            leadership.wait(timeout)  # raises when the lock's connection is gone
        else:
            router_wakeup.wait(timeout)


def start_in_process() -> tuple[threading.Thread, threading.Event]:
    """The router in a thread of this process (the web server's, with `relais serve`)."""
    stop = threading.Event()
    thread = threading.Thread(target=run_router, args=(stop,), name="relais-router", daemon=True)
    thread.start()
    return thread, stop


def run_until_signalled(poll_s: float | None = None) -> None:
    """`relais router`: route in this thread until SIGINT or SIGTERM."""
    import signal

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    started = time.monotonic()
    loop, thread = start_push_loop()  # offers leave without the router waiting for Redis
    try:
        run_router(stop, poll_s=poll_s)
    finally:
        stop_push_loop(loop, thread)
    logger.info("router %s: stopped after %.0f s", os.getpid(), time.monotonic() - started)
