"""The operations app's hand-written SQL: the database answering at all, and which advisory
locks are held (PostgreSQL only); neither has an ORM equivalent."""

from __future__ import annotations

from django.db import connection

#: A session advisory lock on one bigint key below 2^32 shows as classid 0, objid = key.
_HELD_LOCKS_SQL = (
    "SELECT objid::bigint FROM pg_locks "
    "WHERE locktype = 'advisory' AND granted AND classid = 0 AND objsubid = 1 "
    "AND objid::bigint = ANY(%s)"
)


def advisory_locks_held(keys: list[int]) -> set[int]:
    """Those of `keys` some session holds now."""
    with connection.cursor() as cursor:
        cursor.execute(_HELD_LOCKS_SQL, [keys])
        return {int(key) for (key,) in cursor.fetchall()}


def database_ping() -> None:
    """One round trip to the database (raises when it cannot be reached)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
