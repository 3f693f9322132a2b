"""The audit chain's hand-written statements: every audited write reads the chain's last
digest with one (the ORM compiled it for longer than it ran), under a transaction lock that
orders the writers. The read is tested against its ORM equivalent
(tests/apps/audit/test_queries.py)."""

from __future__ import annotations

from django.db import connection

from relais.apps.audit.models import AuditEntry

_LAST_DIGEST_SQL = f'SELECT "digest" FROM "{AuditEntry._meta.db_table}" ORDER BY "id" DESC LIMIT 1'  # noqa: S608 - names from the model


def last_digest_locked(lock_key: int) -> str | None:
    """The chain's last digest (None when empty), read after taking the transaction's
    advisory lock `lock_key` on PostgreSQL (held until commit)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key])
        cursor.execute(_LAST_DIGEST_SQL)
        found = cursor.fetchone()
    return found[0] if found else None
