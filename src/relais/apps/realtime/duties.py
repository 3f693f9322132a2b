"""Periodic duties of the live loop, run by the one active router process.

An app registers a duty (a function with no argument, run every `every_s` seconds) when it
is ready; the router runner runs the ones that fell due between two routing steps, on the
process that holds the router's lock (one on PostgreSQL, the server's on SQLite). A duty is a
short database sweep (customers gone from their chat, say) and must be idempotent: a
failover may run it twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("relais.duties")


@dataclass
class Duty:
    name: str
    every_s: float
    run: Callable[[], object]
    due_at: float = 0.0


_duties: dict[str, Duty] = {}


def duty_register(name: str, every_s: float, run: Callable[[], object]) -> None:
    """Run `run` every `every_s` seconds on the active router (registered again: replaced)."""
    _duties[name] = Duty(name, every_s, run)


def duty_unregister(name: str) -> None:
    _duties.pop(name, None)


def duties_run_due(now: float | None = None) -> list[str]:
    """Run the duties that fell due; returns their names. A failing duty is logged and
    tried again at its next turn."""
    now = time.monotonic() if now is None else now
    ran: list[str] = []
    for duty in list(_duties.values()):
        if now < duty.due_at:
            continue
        duty.due_at = now + duty.every_s
        try:
            duty.run()
        except Exception:
            logger.exception("duty %s failed", duty.name)
        ran.append(duty.name)
    return ran
