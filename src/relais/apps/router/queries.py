"""The router's hand-written statements: it reads the requests of its contacts' log with
one at every turn (docs/desktop.md, "Under load"), and rebuilds its state in one snapshot.
The read is tested against its ORM equivalent (tests/apps/router/test_queries.py)."""

from __future__ import annotations

from django.db import connection

from relais.apps import rows
from relais.apps.interactions.models import ContactEvent

#: The log's lines after the router's cursor, and those of its gaps that committed since
#: (the router reads it on every wake-up, and the ORM compiled it for longer than it ran).
_REQUESTS_SQL = (
    f'SELECT {rows.columns(ContactEvent, "e")} FROM "{ContactEvent._meta.db_table}" e '  # noqa: S608 - names from the model
    'WHERE e."id" > %s{gaps} ORDER BY e."id" LIMIT %s'
)


def events_after(cursor: int, gaps: list[int], limit: int) -> list[ContactEvent]:
    """The log's events after `cursor`, and those numbered in `gaps`, in order, at most
    `limit` of them."""
    marks = rows.marks(len(gaps))
    sql = _REQUESTS_SQL.format(gaps=f' OR e."id" IN ({marks})' if gaps else "")
    return rows.fetch(ContactEvent, sql, [cursor, *gaps, limit])


def snapshot_isolation() -> None:
    """The transaction just begun reads one snapshot (PostgreSQL's REPEATABLE READ)."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
