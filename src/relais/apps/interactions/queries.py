"""The contacts' hand-written statements: every desk action and contact transition begins
by reading its contact with one (docs/desktop.md, "Under load"), and every request to the
router wakes it with another; the readers of the log (the router, the voice service's offers
feed) read it with a third. Each read is tested against its ORM equivalent
(tests/apps/interactions/test_queries.py)."""

from __future__ import annotations

import functools

from django.db import connection

from relais.apps import rows
from relais.apps.interactions.models import Contact, ContactEvent
from relais.apps.routing.models import Queue


def contact_with_queue(
    contact_id: int, *, agent_id: int | None = None, lock: bool = False
) -> Contact | None:
    """The contact with its queue (None if missing, or not `agent_id`'s when given); `lock`:
    its row alone FOR UPDATE, where the database has it."""
    sql = _row_sql(lock and connection.features.has_select_for_update_of, agent_id is not None)
    params = [contact_id] if agent_id is None else [contact_id, agent_id]
    found = rows.joined(sql, params, Contact, "queue")
    return found[0] if found else None


@functools.cache
def _row_sql(lock: bool, by_agent: bool) -> str:
    return (
        f"SELECT {rows.columns(Contact, 'c')}, {rows.columns(Queue, 'q')} "  # noqa: S608 - names from the models
        f'FROM "{Contact._meta.db_table}" c '
        f'JOIN "{Queue._meta.db_table}" q ON q."id" = c."queue_id" '
        'WHERE c."id" = %s'
        + (' AND c."agent_id" = %s' if by_agent else "")
        + (" FOR UPDATE OF c" if lock else "")
    )


def notify(channel: str) -> None:
    """A PostgreSQL notification on `channel`, delivered to its listeners at commit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [channel])


#: The log's lines after a reader's cursor, and those of its gaps that committed since (the
#: router reads it on every wake-up, and the ORM compiled it for longer than it ran).
_EVENTS_SQL = (
    f'SELECT {rows.columns(ContactEvent, "e")} FROM "{ContactEvent._meta.db_table}" e '  # noqa: S608 - names from the model
    'WHERE e."id" > %s{gaps} ORDER BY e."id" LIMIT %s'
)


def events_after(cursor: int, gaps: list[int], limit: int) -> list[ContactEvent]:
    """The log's events after `cursor`, and those numbered in `gaps`, in order, at most
    `limit` of them."""
    marks = rows.marks(len(gaps))
    sql = _EVENTS_SQL.format(gaps=f' OR e."id" IN ({marks})' if gaps else "")
    return rows.fetch(ContactEvent, sql, [cursor, *gaps, limit])
