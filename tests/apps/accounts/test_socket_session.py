"""WebSockets take the session under the pages' conditions: no socket for a session owing the
second factor, left idle, or (an agent) away from their site's networks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from relais.apps.accounts.middleware import LAST_SEEN_KEY
from relais.apps.accounts.models import User
from relais.apps.accounts.socket_session import SocketSessionGuard
from relais.apps.audit.models import AuditEntry
from relais.apps.organisation.networks import SiteNetworkSocketGuard
from tests.apps.conftest import World, logged_in
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def user_seen_by_the_consumer(guard: type, client: Client, user: User, address: str) -> Any:
    """What `scope["user"]` the consumer behind `guard` gets for this browser's session."""
    seen: list[Any] = []

    async def consumer(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["user"])

    scope = {
        "type": "websocket",
        "user": user,
        "session": client.session,
        "client": (address, 50000),
    }
    async_to_sync(guard(consumer))(scope, None, None)
    return seen[0]


def test_a_session_owing_the_second_factor_opens_no_socket(world: World) -> None:
    director = world.users["director"]
    client = Client()
    client.post("/accounts/login/", {"username": director.username, "password": PASSWORD})

    seen = user_seen_by_the_consumer(SocketSessionGuard, client, director, "127.0.0.1")

    assert not seen.is_authenticated


def test_a_verified_session_opens_its_socket(world: World) -> None:
    director = world.users["director"]
    client = logged_in(director)

    seen = user_seen_by_the_consumer(SocketSessionGuard, client, director, "127.0.0.1")

    assert seen == director


def test_an_idle_session_opens_no_socket(world: World) -> None:
    agent = world.users["agent"]
    client = logged_in(agent)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 3600
    session.save()

    seen = user_seen_by_the_consumer(SocketSessionGuard, client, agent, "127.0.0.1")

    assert not seen.is_authenticated


def test_an_agent_away_from_the_sites_networks_opens_no_socket(world: World) -> None:
    agent = world.users["agent"]  # a Rabat agent
    client = logged_in(agent)
    world.rabat.allowed_networks = "192.0.2.0/24"
    world.rabat.save()

    inside = user_seen_by_the_consumer(SiteNetworkSocketGuard, client, agent, "192.0.2.9")
    outside = user_seen_by_the_consumer(SiteNetworkSocketGuard, client, agent, "203.0.113.4")

    assert inside == agent
    assert not outside.is_authenticated
    assert AuditEntry.objects.filter(action="sign_in.network_refused").count() == 1
