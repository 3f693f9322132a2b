"""API tokens: shown once, stored hashed, scoped, expiring, only for roles that use the API,
never made by a token, and dead with their owner's password (issue 15, finding 5)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from relais.apps.accounts.models import ApiToken, RevokedReason
from relais.apps.accounts.services import user_password_change
from relais.apps.audit.models import AuditEntry
from tests.apps.conftest import World, logged_in
from tests.apps.factories import PASSWORD

NEW_PASSWORD = "Tangerine-Ledger-Harbour-77"


def create(client: Client, **payload: Any) -> Any:
    return client.post("/api/v1/tokens", {"name": "BI", **payload}, content_type="application/json")


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_acts_as_its_user_with_the_same_scope(world: World) -> None:
    manager = logged_in(world.users["partner_manager"])
    created = create(manager)
    assert created.status_code == 201
    raw = created.json()["token"]
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the hash is stored

    response = Client().get("/api/v1/sites", **bearer(raw))

    assert response.status_code == 200
    assert [site["name"] for site in response.json()["items"]] == ["Rabat"]
    assert AuditEntry.objects.filter(action="api_token.create").count() == 1


def test_a_token_reads_by_default_and_expires_in_90_days(world: World) -> None:
    created = create(logged_in(world.users["director"])).json()

    token = ApiToken.objects.get(pk=created["id"])

    assert created["scopes"] == ["read"]
    assert dt.timedelta(days=89) < token.expires_at - timezone.now() <= dt.timedelta(days=90)


def test_a_read_token_is_refused_a_write_with_403(world: World) -> None:
    raw = create(logged_in(world.users["administrator"]), scopes=["read"]).json()["token"]

    read = Client().get("/api/v1/skills", **bearer(raw))
    write = Client().post(
        "/api/v1/skills",
        {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
        content_type="application/json",
        **bearer(raw),
    )

    assert read.status_code == 200
    assert (write.status_code, write.json()["code"]) == (403, "token_scope")
    assert "write" in write.json()["message"]


def test_an_expiry_beyond_a_year_or_no_scope_is_refused(world: World) -> None:
    director = logged_in(world.users["director"])

    too_long = create(director, expires_in_days=366)
    no_scope = create(director, scopes=[])
    unknown = create(director, scopes=["admin"])

    assert [r.status_code for r in (too_long, no_scope, unknown)] == [400, 400, 400]
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_with_401(world: World) -> None:
    raw = create(logged_in(world.users["planner"]), expires_in_days=1).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = Client().get("/api/v1/sites", **bearer(raw))

    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_an_agent_may_not_create_a_token(world: World) -> None:
    response = create(logged_in(world.users["agent"]))

    assert (response.status_code, response.json()["code"]) == (403, "tokens_not_for_role")
    assert not ApiToken.objects.exists()


def test_a_token_of_someone_who_became_an_agent_is_refused(world: World) -> None:
    supervisor = world.users["supervisor"]
    raw = create(logged_in(supervisor)).json()["token"]
    supervisor.role = "agent"
    supervisor.save(update_fields=["role"])

    response = Client().get("/api/v1/sites", **bearer(raw))

    assert (response.status_code, response.json()["code"]) == (403, "tokens_not_for_role")


def test_a_token_cannot_create_tokens_even_with_write(world: World) -> None:
    raw = create(logged_in(world.users["administrator"]), scopes=["read", "write"]).json()["token"]

    response = Client().post(
        "/api/v1/tokens", {"name": "child"}, content_type="application/json", **bearer(raw)
    )

    assert (response.status_code, response.json()["code"]) == (403, "token_cannot_create_tokens")
    assert ApiToken.objects.count() == 1


def test_a_password_change_on_the_page_revokes_the_tokens_at_once(world: World) -> None:
    director = world.users["director"]
    client = logged_in(director)
    raw = create(client).json()["token"]

    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    response = Client().get("/api/v1/sites", **bearer(raw))

    assert changed.status_code == 200, changed.content
    assert ApiToken.objects.get().revoked_reason == RevokedReason.PASSWORD_CHANGED
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="user.password").count() == 1
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=None).count() == 1


def test_a_password_set_elsewhere_kills_the_token_at_its_next_use(world: World) -> None:
    planner = world.users["planner"]
    raw = create(logged_in(planner)).json()["token"]
    planner.password = make_password(NEW_PASSWORD)  # as the admin's form or a script would
    planner.save(update_fields=["password"])

    first = Client().get("/api/v1/sites", **bearer(raw))
    second = Client().get("/api/v1/sites", **bearer(raw))

    assert (first.status_code, first.json()["code"]) == (401, "token_password_changed")
    assert second.status_code == 401
    token = ApiToken.objects.get()
    assert (token.revoked_at is not None, token.revoked_reason) == (True, "password_changed")
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=None).count() == 1


def test_the_changepassword_command_kills_the_tokens(world: World, monkeypatch: Any) -> None:
    quality = world.users["quality_analyst"]
    raw = create(logged_in(quality)).json()["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", quality.username, stdout=StringIO())
    response = Client().get("/api/v1/sites", **bearer(raw))

    assert (response.status_code, response.json()["code"]) == (401, "token_password_changed")


def test_the_password_service_applies_the_rules_and_revokes(world: World) -> None:
    admin = world.users["administrator"]
    token_raw = create(logged_in(admin)).json()["token"]

    user_password_change(actor=admin, user=admin, password=NEW_PASSWORD)

    assert Client().get("/api/v1/sites", **bearer(token_raw)).status_code == 401
    assert ApiToken.objects.get().revoked_reason == RevokedReason.PASSWORD_CHANGED


def test_a_revoked_token_is_refused(world: World) -> None:
    director = logged_in(world.users["director"])
    created = create(director, name="old").json()

    revoked = director.delete(f"/api/v1/tokens/{created['id']}")
    response = Client().get("/api/v1/sites", **bearer(created["token"]))

    assert revoked.status_code == 200
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_nobody_sees_or_revokes_another_persons_token(world: World) -> None:
    director = logged_in(world.users["director"])
    created = create(director, name="mine").json()
    other = logged_in(world.users["planner"])

    assert other.get("/api/v1/tokens").json() == []
    assert other.delete(f"/api/v1/tokens/{created['id']}").status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None


def test_a_wrong_token_is_refused(world: World) -> None:
    response = Client().get("/api/v1/agents", **bearer("rls_not-a-token"))
    assert response.status_code == 401


def test_a_token_can_write_without_a_csrf_cookie(world: World) -> None:
    admin = logged_in(world.users["administrator"])
    raw = create(admin, scopes=["read", "write"]).json()["token"]
    integration = Client(enforce_csrf_checks=True)

    response = integration.post(
        "/api/v1/skills",
        {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
        content_type="application/json",
        **bearer(raw),
    )

    assert response.status_code == 201, response.content


def test_a_session_write_still_needs_its_csrf_token(world: World) -> None:
    browser = logged_in(world.users["administrator"])
    browser.handler.enforce_csrf_checks = True

    response = browser.post(
        "/api/v1/skills",
        {"code": "warranty", "name_en": "Warranty", "name_fr": "Garantie"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 201),
        ("director", 201),
        ("planner", 201),
        ("quality_analyst", 201),
        ("partner_manager", 201),
        ("supervisor", 201),
        ("agent", 403),
    ],
)
def test_who_may_create_a_token(world: World, role: str, status: int) -> None:
    assert create(logged_in(world.users[role])).status_code == status
