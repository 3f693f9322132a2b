"""Appending to the event log, and waking the router when a request is committed."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.db import connection, transaction

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.interactions import queries
from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.telemetry.logs import trail

#: Set after commit of a request, so that a router in this process reacts at once.
router_wakeup = threading.Event()
NOTIFY_CHANNEL = "relais_router"
#: The router decided (offers made, expired, withdrawn...): its readers wake (the voice feed).
DECIDED_CHANNEL = "relais_decided"


def event_append(
    *,
    kind: EventKind,
    at: dt.datetime,
    contact_id: int | None = None,
    agent_id: int | None = None,
    queue_id: int | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    by_router: bool = False,
) -> ContactEvent:
    """One line of the log, inside the caller's transaction; requests wake the router."""
    event = rows.insert(
        ContactEvent,
        at=at,
        kind=kind,
        by_router=by_router,
        contact_id=contact_id,
        agent_id=agent_id,
        queue_id=queue_id,
        actor=actor,
        data=data or {},
    )
    if not by_router:
        _wake_router_on_commit()
        if trail.isEnabledFor(logging.INFO):  # the contact's trail (docs/operations.md)
            line = {"contact_id": contact_id, "agent": agent_id, "event": str(kind)}
            transaction.on_commit(lambda: trail.info("request: %s", kind, extra=line))
    return event


def _wake_router_on_commit() -> None:
    if connection.vendor == "postgresql":
        queries.notify(NOTIFY_CHANNEL)  # delivered to listeners at commit
    transaction.on_commit(router_wakeup.set)
