"""Revealing one masked field of one contact: for a supervisor of the contact's team or a
whole-organisation role, with a reason, audited; refused to agents and partner managers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.models import Contact
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue


@pytest.fixture
def contact(world: World) -> Contact:
    """Held by a Lille agent (the world's supervisor's team)."""
    queue = orders_queue(world)
    agent = world.agents["lille0"]
    return Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=timezone.now(),
        customer_reference="jeanne@example.com",
        attributes={"name": "Jeanne Martin", "phone": "+33 6 12 34 56 78"},
        state="accepted",
        agent=agent,
        site_id=agent.site_id,
    )


def _unmask(world: World, role: str, contact: Contact, field: str, reason: str = "litige"):  # type: ignore[no-untyped-def]
    client = logged_in(world.users[role])
    body = {"field": field, "reason": reason}
    return client.post(f"/api/v1/contacts/{contact.pk}/unmask", body, "application/json")


@pytest.mark.parametrize(
    ("role", "field", "value"),
    [
        ("supervisor", "phone", "+33 6 12 34 56 78"),
        ("supervisor", "name", "Jeanne Martin"),
        ("director", "email", "jeanne@example.com"),
        ("administrator", "address", ""),
    ],
)
def test_an_authorised_viewer_reveals_one_field_and_it_is_audited(
    world: World, contact: Contact, role: str, field: str, value: str
) -> None:
    # when they ask for one field, with a reason
    response = _unmask(world, role, contact, field, reason="Client au téléphone, vérification")

    # then they get it, and the audit log says who, which contact, which field and why
    assert response.status_code == 200
    assert response.json() == {"contact_id": contact.pk, "field": field, "value": value}
    entry = AuditEntry.objects.get(action="contact.unmask")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        world.users[role].pk,
        "interactions.contact",
        str(contact.pk),
    )
    assert entry.changes == {"field": field}
    assert entry.reason == "Client au téléphone, vérification"


def test_an_agent_may_not_unmask_even_their_own_contact(world: World, contact: Contact) -> None:
    client = logged_in(world.agents["lille0"].user)
    body = {"field": "phone", "reason": "je veux voir"}
    response = client.post(f"/api/v1/contacts/{contact.pk}/unmask", body, "application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "unmask_refused"
    assert not AuditEntry.objects.filter(action="contact.unmask").exists()


def test_outside_their_scope_a_contact_is_not_found(world: World, contact: Contact) -> None:
    # Atlas Contact's manager does not see a Lille contact at all
    response = _unmask(world, "partner_manager", contact, "phone")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="contact.unmask").exists()


def test_a_supervisor_of_another_team_may_not(world: World, contact: Contact) -> None:
    # given the contact held by an Atlas agent, and the Lille supervisor
    contact.agent = world.agents["rabat0"]
    contact.save()
    response = _unmask(world, "supervisor", contact, "phone")
    assert response.status_code == 404  # not theirs to see at all
    assert not AuditEntry.objects.filter(action="contact.unmask").exists()


def test_a_partners_supervisor_of_the_contacts_team_may_with_a_trace(
    world: World, contact: Contact
) -> None:
    # given the Lille supervisor also supervising Atlas's Rabat team, holding the contact
    world.teams["rabat"].supervisors.add(world.users["supervisor"])
    contact.agent = world.agents["rabat0"]
    contact.save()
    response = _unmask(world, "supervisor", contact, "name")
    assert response.json()["value"] == "Jeanne Martin"
    assert AuditEntry.objects.filter(action="contact.unmask").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(world: World, contact: Contact, reason: str) -> None:
    response = _unmask(world, "supervisor", contact, "phone", reason=reason)
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_input", "reason_required")
    assert not AuditEntry.objects.filter(action="contact.unmask").exists()


def test_an_unknown_field_is_refused(world: World, contact: Contact) -> None:
    response = _unmask(world, "director", contact, "password")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
