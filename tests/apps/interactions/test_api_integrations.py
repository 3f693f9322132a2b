"""The public API for the client's systems (issue 18): a callback request from the client's
app with the brand's customer id, and the contact's outcome read back, with scoped tokens;
every write audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, ContactState, EventKind
from relais.apps.routing.models import Channel
from tests.apps.accounts.test_tokens import bearer, create
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue


def _token(world: World, role: str, scopes: list[str]) -> str:
    return str(create(logged_in(world.users[role]), scopes=scopes).json()["token"])


def _callback(raw: str, **extra: Any) -> Any:
    at = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    body = {
        "queue": "rappels",
        "channel": "callback",
        "customer_reference": "+33 6 12 34 56 78",
        "customer_id": "MLU-20417",
        "scheduled_for": at,
        "attributes": {"order": "ML-88213"},
        **extra,
    }
    return Client().post("/api/v1/contacts", body, content_type="application/json", **bearer(raw))


def test_the_clients_app_asks_for_a_callback_and_reads_its_outcome(world: World) -> None:
    orders_queue(world, code="rappels", channel=Channel.CALLBACK)
    writer = _token(world, "administrator", ["read", "write"])

    created = _callback(writer)

    assert created.status_code == 201, created.json()
    answer = created.json()
    contact = Contact.objects.get(pk=answer["id"])
    assert (contact.state, contact.customer_key) == (ContactState.SCHEDULED, "id:MLU-20417")
    assert answer["scheduled_for"] is not None
    assert answer["outcome"] == ""
    assert AuditEntry.objects.filter(action="contact.create", object_id=str(contact.pk)).exists()

    # the agent wraps it up; the client's reporting reads the outcome with a read token
    event_append(
        kind=EventKind.CONTACT_WRAPPED_UP,
        at=timezone.now(),
        contact_id=contact.pk,
        data={"reason": "solved"},
    )
    reader = _token(world, "director", ["read"])
    read = Client().get(f"/api/v1/contacts/{contact.pk}", **bearer(reader))
    listed = Client().get("/api/v1/contacts", **bearer(reader))
    assert read.json()["outcome"] == "solved"
    assert [c["outcome"] for c in listed.json()["items"]] == ["solved"]


def test_a_read_token_cannot_create_a_contact(world: World) -> None:
    orders_queue(world, code="rappels", channel=Channel.CALLBACK)
    reader = _token(world, "administrator", ["read"])

    refused = _callback(reader)

    assert (refused.status_code, refused.json()["code"]) == (403, "token_scope")
    assert not Contact.objects.exists()


def test_only_an_administrators_token_creates_contacts(world: World) -> None:
    orders_queue(world, code="rappels", channel=Channel.CALLBACK)
    director = _token(world, "director", ["read", "write"])

    refused = _callback(director)

    assert refused.status_code == 403
    assert not Contact.objects.exists()


def test_a_callback_time_without_its_zone_is_refused(world: World) -> None:
    orders_queue(world, code="rappels", channel=Channel.CALLBACK)
    writer = _token(world, "administrator", ["write"])

    refused = _callback(writer, scheduled_for="2030-01-01T10:00:00")

    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_input")
    assert not Contact.objects.exists()


def test_a_partners_token_reads_only_its_partners_outcomes(world: World) -> None:
    queue = orders_queue(world, code="rappels", channel=Channel.CALLBACK)
    theirs = Contact.objects.create(
        channel=Channel.CALLBACK,
        queue=queue,
        priority=0,
        created_at=timezone.now(),
        partner=world.atlas,
    )
    other = Contact.objects.create(
        channel=Channel.CALLBACK,
        queue=queue,
        priority=0,
        created_at=timezone.now(),
        partner=world.carpathia,
    )
    manager = _token(world, "partner_manager", ["read"])

    assert Client().get(f"/api/v1/contacts/{theirs.pk}", **bearer(manager)).status_code == 200
    assert Client().get(f"/api/v1/contacts/{other.pk}", **bearer(manager)).status_code == 404
