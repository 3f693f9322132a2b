"""The contacts and presence API: a contact's life through HTTP, and bad input refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.models import AgentPresence, Contact, ContactEvent
from tests.apps.conftest import logged_in
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import Routing


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json")


def unchanged() -> tuple[Any, ...]:
    return (
        list(Contact.objects.values()),
        list(AgentPresence.objects.values()),
        ContactEvent.objects.count(),
        AuditEntry.objects.exclude(action__startswith="sign_in.").count(),  # writes only
    )


def test_a_contact_from_creation_to_closing(routing: Routing) -> None:
    world = routing.world
    integration = logged_in(world.users["administrator"])
    lille0 = world.agents["lille0"]
    desk = logged_in(lille0.user)
    desk_open(lille0)  # the agent's desktop: reachable

    assert (
        post(desk, f"/api/v1/agents/{lille0.pk}/presence", {"action": "login"}).status_code == 200
    )
    created = post(
        integration, "/api/v1/contacts", {"queue": "orders", "customer_reference": "C-7"}
    )
    assert created.status_code == 201
    contact = created.json()
    assert (contact["state"], contact["queue"], contact["channel"]) == ("created", "orders", "chat")
    routing.step()

    offered = desk.get(f"/api/v1/contacts/{contact['id']}").json()
    assert (offered["state"], offered["agent_id"]) == ("offered", lille0.pk)
    assert post(desk, f"/api/v1/contacts/{contact['id']}/accept", {}).json()["state"] == "accepted"
    routing.step()
    closed = post(desk, f"/api/v1/contacts/{contact['id']}/complete", {}).json()
    assert closed["state"] == "closed"
    routing.step()

    status = integration.get(f"/api/v1/queues/{routing.queue.pk}/status").json()
    assert status["waiting"] == 0
    assert status["agents_by_state"]["available"] == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"queue": "nowhere"}, 400, "unknown_queue"),
        ('{"queue": "orders",', 400, "malformed_json"),
        ({"queue": "orders", "priority": 1000}, 400, "invalid_input"),
        ({"queue": "orders", "channel": "fax"}, 400, "invalid_input"),
        ({"queue": "orders", "channel": "voice"}, 400, "channel_mismatch"),
        ({}, 400, "invalid_input"),
    ],
)
def test_a_bad_contact_answers_4xx_and_changes_nothing(
    routing: Routing, body: Any, status: int, code: str
) -> None:
    client = logged_in(routing.world.users["administrator"])
    before = unchanged()

    response = post(client, "/api/v1/contacts", body)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert unchanged() == before


def test_another_agent_cannot_accept_someone_elses_offer(routing: Routing) -> None:
    world = routing.world
    lille0, lille1 = world.agents["lille0"], world.agents["lille1"]
    desk_open(lille0)
    post(logged_in(lille0.user), f"/api/v1/agents/{lille0.pk}/presence", {"action": "login"})
    post(logged_in(world.users["administrator"]), "/api/v1/contacts", {"queue": "orders"})
    routing.step()
    contact = Contact.objects.get()
    assert contact.agent_id == lille0.pk
    before = unchanged()

    for action in ("accept", "reject", "complete"):
        response = post(logged_in(lille1.user), f"/api/v1/contacts/{contact.pk}/{action}", {})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    supervisor = logged_in(world.users["supervisor"])  # sees it, may not take it
    response = post(supervisor, f"/api/v1/contacts/{contact.pk}/accept", {})
    assert (response.status_code, response.json()["code"]) == (403, "not_your_offer")
    assert unchanged() == before


def test_presence_changes_through_the_api(routing: Routing) -> None:
    world = routing.world
    lille0 = world.agents["lille0"]
    supervisor = logged_in(world.users["supervisor"])
    path = f"/api/v1/agents/{lille0.pk}/presence"

    assert supervisor.get(path).json()["state"] == "offline"
    assert post(supervisor, path, {"action": "login"}).json()["state"] == "available"
    on_break = post(supervisor, path, {"action": "break", "reason": "prayer"}).json()
    assert (on_break["state"], on_break["break_reason"]) == ("break", "prayer")
    assert post(supervisor, path, {"action": "available"}).json()["state"] == "available"
    again = post(supervisor, path, {"action": "login"})
    assert (again.status_code, again.json()["code"]) == (409, "already_logged_in")
    bad = post(supervisor, path, {"action": "nap"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_input")
    assert post(supervisor, path, {"action": "logout"}).json()["state"] == "offline"
