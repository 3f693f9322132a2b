"""Sessions end after RELAIS_IDLE_TIMEOUT_MIN without use, and live a shift at most (issue 15,
finding 6: 14-day sessions with no idle timeout)."""

from __future__ import annotations

import time

from django.test import Client

from relais.apps.accounts.middleware import LAST_SEEN_KEY
from tests.apps.conftest import World, logged_in
from tests.apps.factories import PASSWORD


def last_seen_minutes_ago(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()


def test_a_session_unused_for_longer_than_the_timeout_ends(world: World) -> None:
    client = logged_in(world.users["planner"])
    assert client.get("/planning/").status_code == 200
    last_seen_minutes_ago(client, 31)

    response = client.get("/planning/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Votre session a pris fin après 30 minutes sans activité" in login_page  # planner: fr
    assert client.get("/api/v1/sites").status_code == 401


def test_a_session_used_within_the_timeout_goes_on(world: World) -> None:
    client = logged_in(world.users["planner"])
    assert client.get("/planning/").status_code == 200
    last_seen_minutes_ago(client, 29)

    assert client.get("/planning/").status_code == 200
    assert client.session[LAST_SEEN_KEY] > time.time() - 60  # the use was recorded


def test_the_open_desktop_keeps_the_agents_session_alive(world: World) -> None:
    client = logged_in(world.users["agent"])
    client.get("/accounts/alive/")
    last_seen_minutes_ago(client, 20)

    alive = client.get("/accounts/alive/")
    last_seen_minutes_ago_after = time.time() - client.session[LAST_SEEN_KEY]

    assert alive.status_code == 204
    assert last_seen_minutes_ago_after < 60


def test_a_session_lives_a_shift_at_most(world: World) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "planner", "password": PASSWORD})

    assert response.cookies["sessionid"]["max-age"] == 12 * 3600
