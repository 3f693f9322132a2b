"""Short-lived SIP credentials, checked by Kamailio's auth_ephemeral (and coturn's TURN REST).

username `<unix expiry>:agent-<pk>`, password `base64(HMAC-SHA1(secret, username))`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

AGENT_USER_PREFIX = "agent-"


def agent_sip_user(agent_pk: int) -> str:
    """The user part of an agent's address of record."""
    return f"{AGENT_USER_PREFIX}{agent_pk}"


def agent_of_sip_user(user: str) -> int | None:
    """The agent whose address of record has the user part `user` (None: not an agent's)."""
    number = user.removeprefix(AGENT_USER_PREFIX)
    return int(number) if user.startswith(AGENT_USER_PREFIX) and number.isdigit() else None


def ephemeral_credentials(secret: str, user: str, *, expires_at: int) -> tuple[str, str]:
    """(username, password) valid until `expires_at` (a UNIX time) for `user`."""
    username = f"{expires_at}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def sip_credentials(secret: str, agent_pk: int, *, ttl_s: int = 3600) -> tuple[str, str]:
    """An agent's SIP credentials, valid `ttl_s` seconds from now."""
    return ephemeral_credentials(
        secret, agent_sip_user(agent_pk), expires_at=int(time.time()) + ttl_s
    )
