"""Short-lived SIP credentials, checked by Kamailio's auth_ephemeral (and coturn's TURN REST).

username `<unix expiry>:agent-<pk>`, password `base64(HMAC-SHA1(secret, username))`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def agent_sip_user(agent_pk: int) -> str:
    """The user part of an agent's address of record."""
    return f"agent-{agent_pk}"


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
