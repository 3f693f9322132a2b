"""API tokens: shown once, stored hashed, usable as a bearer, revocable."""

from __future__ import annotations

from django.test import Client

from relais.apps.accounts.models import ApiToken
from relais.apps.audit.models import AuditEntry
from tests.apps.conftest import World, logged_in


def test_a_token_acts_as_its_user_with_the_same_scope(world: World) -> None:
    manager = logged_in(world.users["partner_manager"])
    created = manager.post("/api/v1/tokens", {"name": "BI export"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the hash is stored

    response = Client().get("/api/v1/sites", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert [site["name"] for site in response.json()["items"]] == ["Rabat"]
    assert AuditEntry.objects.filter(action="api_token.create").count() == 1


def test_a_revoked_token_is_refused(world: World) -> None:
    director = logged_in(world.users["director"])
    created = director.post(
        "/api/v1/tokens", {"name": "old"}, content_type="application/json"
    ).json()

    revoked = director.delete(f"/api/v1/tokens/{created['id']}")
    response = Client().get("/api/v1/sites", HTTP_AUTHORIZATION=f"Bearer {created['token']}")

    assert revoked.status_code == 200
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_nobody_sees_or_revokes_another_persons_token(world: World) -> None:
    director = logged_in(world.users["director"])
    created = director.post(
        "/api/v1/tokens", {"name": "mine"}, content_type="application/json"
    ).json()
    other = logged_in(world.users["planner"])

    assert other.get("/api/v1/tokens").json() == []
    assert other.delete(f"/api/v1/tokens/{created['id']}").status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None


def test_a_wrong_token_is_refused(world: World) -> None:
    response = Client().get("/api/v1/agents", HTTP_AUTHORIZATION="Bearer rls_not-a-token")
    assert response.status_code == 401


def test_a_token_can_write_without_a_csrf_cookie(world: World) -> None:
    admin = logged_in(world.users["administrator"])
    raw = admin.post("/api/v1/tokens", {"name": "CRM"}, content_type="application/json").json()[
        "token"
    ]
    integration = Client(enforce_csrf_checks=True)

    response = integration.post(
        "/api/v1/skills",
        {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 201, response.content


def test_a_session_write_still_needs_its_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["administrator"])

    response = browser.post(
        "/api/v1/skills",
        {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
