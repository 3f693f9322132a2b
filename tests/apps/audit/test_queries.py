"""The audit chain's hand-written statement (audit/queries.py) gives the value of its ORM
equivalent, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import transaction

from relais.apps.audit import queries
from relais.apps.audit.models import AuditEntry
from relais.apps.audit.services import audit_record
from tests.apps.conftest import World

pytestmark = pytest.mark.django_db


def _orm_last_digest() -> str | None:
    return AuditEntry.objects.order_by("-id").values_list("digest", flat=True).first()


def test_the_last_digest_is_the_orms_empty_and_after_entries(world: World) -> None:
    # given an empty chain
    AuditEntry.objects.all().delete()
    # when its last digest is read by hand and by the ORM
    # then both have none
    assert queries.last_digest_locked(1) is None
    assert _orm_last_digest() is None
    # given two entries
    admin = world.users["administrator"]
    with transaction.atomic():
        audit_record(actor=admin, action="test.first", obj=admin)
        audit_record(actor=admin, action="test.second", obj=admin)
    # when the last digest is read by hand and by the ORM
    # then both give the second entry's
    assert queries.last_digest_locked(1) == _orm_last_digest()
    assert _orm_last_digest() == AuditEntry.objects.get(action="test.second").digest
