"""The softphone's configuration: the agent's own line, Kamailio's ephemeral credentials."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

from relais.apps.desktop.softphone import softphone_config
from relais.apps.voice.models import AgentLine, LineKind
from relais.apps.voice.stack.credentials import ephemeral_credentials
from tests.apps.conftest import World
from tests.apps.signin import logged_in

WS_URL = "wss://sip.example.test:8443"


def _hmac_sha1(key: bytes, message: bytes) -> bytes:
    """RFC 2104 written out, without the hmac module the code under test uses. SHA-1 is
    what Kamailio's auth_ephemeral and coturn's TURN REST credentials use."""
    sha1 = hashlib.sha1
    block = 64
    if len(key) > block:
        key = sha1(key).digest()
    key = key.ljust(block, b"\0")
    inner = sha1(bytes(k ^ 0x36 for k in key) + message).digest()
    return sha1(bytes(k ^ 0x5C for k in key) + inner).digest()


def test_the_password_is_base64_of_hmac_sha1_of_the_username() -> None:
    username, password = ephemeral_credentials(
        user="agent-7", secret="s3cret", expires_at=1_800_000_000
    )
    assert username == "1800000000:agent-7"
    assert password == base64.b64encode(_hmac_sha1(b"s3cret", b"1800000000:agent-7")).decode()
    # RFC 2202, test case 2: the construction above is HMAC-SHA1
    assert _hmac_sha1(b"Jefe", b"what do ya want for nothing?").hex() == (
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    )


def test_an_agent_gets_their_own_line_with_credentials_for_twelve_hours(
    world: World, settings: Any
) -> None:
    settings.SIP_WS_URL = WS_URL
    settings.SIP_DOMAIN = "voice.example.test"
    settings.SIP_SECRET = "shared-with-kamailio"
    agent = world.agents["rabat0"]

    response = logged_in(agent.user).get("/desktop/softphone")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    config = response.json()
    assert config["enabled"] is True
    assert config["ws_url"] == WS_URL
    assert config["aor"] == f"sip:agent-{agent.pk}@voice.example.test"
    expiry, user = config["username"].split(":")
    assert user == f"agent-{agent.pk}"
    assert int(expiry) == config["expires_at"]
    assert abs(config["expires_at"] - (time.time() + 12 * 3600)) < 60
    assert 0 < config["refresh_in_s"] < 12 * 3600
    signed = _hmac_sha1(b"shared-with-kamailio", config["username"].encode())
    assert base64.b64decode(config["password"]) == signed
    assert config["ice_servers"] == []  # no TURN unless configured


def test_turn_servers_get_the_same_credentials(world: World, settings: Any) -> None:
    settings.SIP_WS_URL = WS_URL
    settings.TURN_URLS = ["turns:turn.example.test:443?transport=tcp", "turn:turn.example.test"]
    agent = world.agents["lille0"]

    config = softphone_config(viewer=agent.user, now=1_800_000_000)

    assert config.expires_at == 1_800_000_000 + settings.SIP_CREDENTIAL_TTL_S
    [server] = config.ice_servers
    assert server.urls == settings.TURN_URLS
    assert (server.username, server.credential) == (config.username, config.password)


def test_without_a_websocket_url_the_softphone_is_off_and_no_credential_is_given(
    world: World, settings: Any
) -> None:
    settings.SIP_WS_URL = ""
    client = logged_in(world.agents["rabat0"].user)

    config = client.get("/desktop/softphone").json()
    page = client.get("/desktop/").content.decode()

    assert (config["enabled"], config["off_because"]) == (False, "no_server")
    assert config["password"] == config["username"] == ""
    assert 'data-softphone-on="0"' in page


def test_only_an_agent_gets_a_line_and_only_their_own(world: World, settings: Any) -> None:
    settings.SIP_WS_URL = WS_URL
    rabat0, rabat1 = world.agents["rabat0"], world.agents["rabat1"]

    supervisor = logged_in(world.users["supervisor"]).get("/desktop/softphone")
    administrator = logged_in(world.users["administrator"]).get("/desktop/softphone")
    other = logged_in(rabat1.user).get("/desktop/softphone").json()
    anonymous = logged_in(rabat0.user)
    anonymous.logout()

    assert supervisor.status_code == administrator.status_code == 403
    assert supervisor.json()["code"] == "not_an_agent"
    assert other["aor"].startswith(f"sip:agent-{rabat1.pk}@")
    assert other["username"].endswith(f":agent-{rabat1.pk}")
    assert anonymous.get("/desktop/softphone").status_code == 302  # to the sign-in page
    assert logged_in(rabat0.user).post("/desktop/softphone").status_code == 405


def test_an_agent_whose_calls_ring_on_a_desk_phone_gets_no_softphone(
    world: World, settings: Any
) -> None:
    settings.SIP_WS_URL = WS_URL
    agent = world.agents["rabat0"]
    AgentLine.objects.create(agent=agent, kind=LineKind.DESK_PHONE)

    config = logged_in(agent.user).get("/desktop/softphone").json()

    assert (config["enabled"], config["off_because"]) == (False, "desk_phone")
    assert config["password"] == ""
