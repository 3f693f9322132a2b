"""Single sign-on with OpenID Connect: on only when configured; a claim names an existing
person, never creates one (issue 15, "optional single sign-on")."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from relais.apps.accounts.oidc import ExistingPersonBackend, people_for_claims
from tests.apps.conftest import World

OIDC = {
    "RELAIS_OIDC_CLIENT_ID": "relais",
    "RELAIS_OIDC_CLIENT_SECRET": "s3cret",
    "RELAIS_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "RELAIS_OIDC_TOKEN_ENDPOINT": "https://idp.example/token",
    "RELAIS_OIDC_USER_ENDPOINT": "https://idp.example/userinfo",
    "RELAIS_OIDC_JWKS_ENDPOINT": "https://idp.example/jwks",
}

WIRING = (
    "import django; from django.conf import settings; django.setup(); "
    "from django.urls import reverse; from django.test import Client; "
    "print(settings.OIDC_ENABLED, "
    "'relais.apps.accounts.oidc.ExistingPersonBackend' in settings.AUTHENTICATION_BACKENDS); "
    "print(reverse('accounts:oidc_authentication_init') if settings.OIDC_ENABLED else '-'); "
    "page = Client().get('/accounts/login/').content.decode(); "
    "print('button' if 'data-testid=\"sso\"' in page else 'no-button')"
)


def wiring(**extra: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_OIDC_")}
    env.update(extra, DJANGO_SETTINGS_MODULE="relais.config.settings")
    result = subprocess.run(
        [sys.executable, "-c", WIRING], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_single_sign_on_is_off_without_its_settings() -> None:
    assert wiring() == ["False", "False", "-", "no-button"]


def test_single_sign_on_is_on_with_all_its_settings() -> None:
    assert wiring(**OIDC) == ["True", "True", "/accounts/oidc/authenticate/", "button"]


def test_a_claim_names_an_existing_active_person(world: World, settings: Any) -> None:
    settings.OIDC_CLAIM, settings.OIDC_USER_FIELD = "email", "email"
    director = world.users["director"]
    director.email = "Direction@Example.com"
    director.save()

    assert list(people_for_claims({"email": "direction@example.com"})) == [director]
    assert not people_for_claims({"email": "nobody@example.com"}).exists()
    assert not people_for_claims({}).exists()
    director.is_active = False
    director.save()
    assert not people_for_claims({"email": "direction@example.com"}).exists()


def test_a_claim_may_name_a_person_by_username(world: World, settings: Any) -> None:
    settings.OIDC_CLAIM, settings.OIDC_USER_FIELD = "preferred_username", "username"

    assert list(people_for_claims({"preferred_username": "planner"})) == [world.users["planner"]]


def test_the_backend_creates_nobody_and_changes_no_role(world: World, settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "relais", "s3cret"
    settings.OIDC_OP_TOKEN_ENDPOINT = OIDC["RELAIS_OIDC_TOKEN_ENDPOINT"]
    settings.OIDC_OP_USER_ENDPOINT = OIDC["RELAIS_OIDC_USER_ENDPOINT"]
    settings.OIDC_OP_JWKS_ENDPOINT = OIDC["RELAIS_OIDC_JWKS_ENDPOINT"]
    backend = ExistingPersonBackend()
    planner = world.users["planner"]

    with pytest.raises(PermissionDenied):
        backend.create_user({"email": "new.admin@example.com"})
    assert (
        backend.update_user(planner, {"email": "x@example.com", "role": "administrator"}) == planner
    )
    planner.refresh_from_db()
    assert planner.role == "planner"
