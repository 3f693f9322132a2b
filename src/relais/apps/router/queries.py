"""The router's hand-written statement: it rebuilds its state in one snapshot. (Its read of
the contacts' log, shared with the voice service's offers feed, is interactions' own:
`interactions.queries.events_after`.)"""

from __future__ import annotations

from django.db import connection


def snapshot_isolation() -> None:
    """The transaction just begun reads one snapshot (PostgreSQL's REPEATABLE READ)."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
