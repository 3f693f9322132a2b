"""The router's hand-written statement (router/queries.py) on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from relais.apps.router import queries

pytestmark = pytest.mark.django_db


@pytest.mark.pg  # make test-pg (PostgreSQL's isolation levels)
@pytest.mark.django_db(transaction=True)
def test_the_rebuild_reads_one_snapshot() -> None:
    # given a transaction just begun
    with transaction.atomic():
        # when it asks for one snapshot
        queries.snapshot_isolation()
        # then it runs in REPEATABLE READ (what the ORM would ask with the isolation option)
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone() == ("repeatable read",)
