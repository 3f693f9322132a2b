"""The router's hand-written statements (router/queries.py) give the rows of their ORM
equivalents, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.router import queries
from tests.apps.conftest import World
from tests.apps.same import values

pytestmark = pytest.mark.django_db


def test_the_events_after_the_cursor_and_in_the_gaps_are_the_orms(world: World) -> None:
    # given ten lines in the contacts' log
    now = timezone.now()
    made = [
        ContactEvent.objects.create(at=now, kind=EventKind.CONTACT_CREATED, data={"n": n})
        for n in range(10)
    ]
    ids = [e.pk for e in made]
    for cursor, gaps, limit in (
        (ids[5], [], 100),
        (ids[5], [ids[1], ids[3]], 100),
        (ids[2], [ids[0]], 3),
        (ids[-1], [], 100),
    ):
        # when the lines after a cursor, and those of its gaps, are read by hand and by the ORM
        by_hand = queries.events_after(cursor, gaps, limit)
        orm = ContactEvent.objects.filter(pk__gt=cursor) | ContactEvent.objects.filter(pk__in=gaps)
        # then they are the same rows in the same order, as many as the limit allows
        assert [values(e) for e in by_hand] == [values(e) for e in orm.order_by("pk")[:limit]]
    assert [e.pk for e in queries.events_after(ids[2], [ids[0]], 3)] == [ids[0], ids[3], ids[4]]


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
