"""The audit log is a hash chain: editing an entry afterwards is detected."""

from __future__ import annotations

from relais.apps.audit.models import AuditEntry
from relais.apps.audit.services import audit_verify_chain
from relais.apps.organisation.services import partner_create, partner_update
from tests.apps.conftest import World


def test_the_chain_verifies_and_detects_an_edited_entry(world: World) -> None:
    admin = world.users["administrator"]
    partner = partner_create(actor=admin, fields={"name": "Tunis Relation", "country": "TN"})
    partner_update(actor=admin, partner=partner, fields={"contact_name": "Salma"})
    assert audit_verify_chain() is None

    entry = AuditEntry.objects.get(action="partner.update")
    AuditEntry.objects.filter(pk=entry.pk).update(changes={"contact_name": [None, "Someone else"]})

    assert audit_verify_chain() == entry.pk
