"""Writes of the realtime package: the connections' leases (docs/presence.md).

A consumer opens a lease when its connection is accepted (`lease_open`) and closes it when
the connection ends (`lease_close`); the page may say it is hidden or saying goodbye
(`lease_mark`). Every process marks its open connections seen each heartbeat
(`leases_heartbeat`) and closes them when it stops (`leases_close_process`). Nothing here
knows what a desk or a chat is: callers wake whoever must know (the router, the chat).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from django.utils import timezone

from relais.apps import rows
from relais.apps.realtime.models import Connection, LeaseKind

#: This process, as its connections' rows name it.
PROCESS = f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
#: Closed connections are kept this long (an absence is measured from the last close).
KEEP_CLOSED = dt.timedelta(hours=6)


def lease_open(*, kind: LeaseKind, subject_id: int, channel_name: str) -> None:
    """One statement (every chat's customer opens one): a second hello on the same
    connection finds its lease open already and changes nothing."""
    now = timezone.now()
    rows.add_unless(
        Connection(
            kind=kind,
            subject_id=subject_id,
            channel_name=channel_name,
            process=PROCESS,
            opened_at=now,
            seen_at=now,
        ),
        '("channel_name")',
    )


def lease_close(*, channel_name: str) -> dt.datetime | None:
    """The connection ended: one statement (every chat's customer closes one); returns when,
    or None if it held no open lease."""
    now = timezone.now()
    closing = Connection.objects.filter(channel_name=channel_name, closed_at=None)
    return now if closing.update(closed_at=now) else None


def lease_mark(
    *, channel_name: str, hidden: bool | None = None, goodbye: bool | None = None
) -> bool:
    """What the page said about itself; returns whether an open lease was marked."""
    fields: dict[str, bool] = {}
    if hidden is not None:
        fields["hidden"] = hidden
    if goodbye is not None:
        fields["goodbye"] = goodbye
    if not fields:
        return False
    return bool(
        Connection.objects.filter(channel_name=channel_name, closed_at=None).update(**fields)
    )


def leases_heartbeat(*, process: str = PROCESS) -> int:
    """This process's open connections are alive: one statement for all of them."""
    return Connection.objects.filter(process=process, closed_at=None).update(seen_at=timezone.now())


def leases_close_process(*, process: str = PROCESS) -> int:
    """This process stops: its connections are closed now (not when they go stale)."""
    return Connection.objects.filter(process=process, closed_at=None).update(
        closed_at=timezone.now()
    )


def leases_purge(*, now: dt.datetime | None = None) -> int:
    """Forget connections closed long ago."""
    cutoff = (now or timezone.now()) - KEEP_CLOSED
    deleted, _ = Connection.objects.filter(closed_at__lt=cutoff).delete()
    return deleted
