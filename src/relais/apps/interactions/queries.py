"""The contacts' hand-written statements: every desk action and contact transition begins
by reading its contact with one (docs/desktop.md, "Under load"), and every request to the
router wakes it with another. Each read is tested against its ORM equivalent
(tests/apps/interactions/test_queries.py)."""

from __future__ import annotations

import functools

from django.db import connection

from relais.apps import rows
from relais.apps.interactions.models import Contact
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
