"""A site's allowed networks: its agents sign in, and keep their session, only from there;
home sites allow anywhere (issue 15, "optional IP allow-lists per site")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from relais.apps.audit.models import AuditEntry
from relais.apps.organisation.models import parse_networks
from tests.apps.conftest import World
from tests.apps.factories import PASSWORD

RABAT_OFFICE = "192.0.2.0/24\n2001:db8:10::/48"


def sign_in(username: str, address: str) -> tuple[Client, int]:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client, response.status_code


def test_an_agent_signs_in_from_the_sites_network(world: World) -> None:
    world.rabat.allowed_networks = RABAT_OFFICE
    world.rabat.save()

    client, status = sign_in("rabat.agent0", "192.0.2.44")

    assert status == 302
    assert client.get("/desktop/").status_code == 200


def test_an_agent_elsewhere_is_refused_clearly_and_audited(world: World) -> None:
    world.rabat.allowed_networks = RABAT_OFFICE
    world.rabat.save()

    client, status = sign_in("rabat.agent0", "198.51.100.23")

    assert status == 403
    assert "_auth_user_id" not in client.session
    assert client.get("/desktop/").status_code == 302  # to the login page
    entry = AuditEntry.objects.get(action="sign_in.network_refused")
    assert entry.changes == {"address": "198.51.100.23", "site": "Rabat"}


def test_a_session_moved_to_another_network_ends(world: World) -> None:
    world.rabat.allowed_networks = RABAT_OFFICE
    world.rabat.save()
    client, _ = sign_in("rabat.agent0", "192.0.2.44")

    moved = client.get("/desktop/", REMOTE_ADDR="203.0.113.5")
    api = client.get("/api/v1/sites", REMOTE_ADDR="2001:db8:10::7")

    assert moved.status_code == 403
    assert api.status_code == 401  # the session is gone


def test_home_agents_and_other_roles_sign_in_from_anywhere(world: World) -> None:
    world.rabat.allowed_networks = RABAT_OFFICE
    world.rabat.save()

    _, home = sign_in("home.agent0", "203.0.113.5")
    _, planner = sign_in("planner", "203.0.113.5")

    assert (home, planner) == (302, 302)


def test_the_list_is_validated_as_networks(world: World) -> None:
    world.rabat.allowed_networks = "192.0.2.0/24, not-a-network"

    with pytest.raises(ValidationError):
        world.rabat.full_clean()
    assert [str(n) for n in parse_networks("192.0.2.7 10.0.0.0/8")] == [
        "192.0.2.7/32",
        "10.0.0.0/8",
    ]
