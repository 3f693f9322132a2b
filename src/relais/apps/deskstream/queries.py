"""The desk streams' hand-written statements: every message and desk action runs them, and
the lock one takes has no ORM spelling (docs/desktop.md, "Under load"). Each is tested
against its ORM equivalent (tests/apps/desktop/test_queries.py)."""

from __future__ import annotations

from django.db import connection

from relais.apps import rows
from relais.apps.deskstream.models import DeskEvent
from relais.apps.interactions.models import Contact


def contact_key_shared(contact_id: int) -> tuple[str, int | None] | None:
    """The contact's state and agent, its row under a KEY SHARE lock (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "state", "agent_id" FROM "{Contact._meta.db_table}"'  # noqa: S608 - names from the model
            ' WHERE "id" = %s FOR KEY SHARE',
            [contact_id],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def key_recorded(agent_id: int, keys: list[str]) -> bool:
    """Whether one of the keys is in the agent's stream (every message asks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT 1 FROM "{DeskEvent._meta.db_table}" '  # noqa: S608 - names from the model
            f'WHERE "agent_id" = %s AND "key" IN ({rows.marks(len(keys))}) LIMIT 1',
            [agent_id, *keys],
        )
        return cursor.fetchone() is not None
