"""The customer the brand's site vouches for: a short-lived token it signs into the widget
(docs/integrations.md, "Customer identity").

The token is a compact JWT signed with HMAC-SHA256 (`alg` HS256) and the shared secret
`settings.WIDGET_IDENTITY_SECRET`; its claims are `sub` (the brand's customer id), `name`
and `exp` (a Unix time, at most `MAX_LIFETIME_S` ahead). A token that is malformed, badly
signed, expired or too long-lived is refused with its reason; the chat then starts anonymous
(`chat_start`), and the desk shows the customer as not verified."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from relais.apps.chat.errors import ErrorCode
from relais.apps.errors import RelaisError

MAX_LIFETIME_S = 3600  # a token that claims more is refused: short-lived means short
IDENTITY_VERIFIED = "verified"  # the contact's `identity` attribute when the token was good
LEEWAY_S = 30  # the brand's clock and ours may differ by this much
MAX_TOKEN_CHARS = 2000


@dataclass(frozen=True)
class VerifiedCustomer:
    customer_id: str
    name: str


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def identity_sign(*, customer_id: str, name: str, expires: int, secret: str) -> str:
    """A token as the brand's site makes it (used by the demo shop and the tests; the
    brand's own code is in docs/integrations.md)."""
    header = _b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": customer_id, "name": name, "exp": expires}
    payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signed = f"{header}.{payload}".encode()
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64encode(signature)}"


def identity_verify(token: str, *, now: float, secret: str | None = None) -> VerifiedCustomer:
    """The customer a token vouches for; `RelaisError` identity_invalid or identity_expired."""
    secret = settings.WIDGET_IDENTITY_SECRET if secret is None else secret
    parts = token.split(".")
    if len(token) > MAX_TOKEN_CHARS or len(parts) != 3:
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    expected = hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
    try:
        header, claims = json.loads(_b64decode(parts[0])), json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except ValueError as error:
        raise RelaisError(ErrorCode.IDENTITY_INVALID) from error
    if not hmac.compare_digest(signature, expected.digest()):
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    return _customer(claims, now)


def _customer(claims: Any, now: float) -> VerifiedCustomer:
    if not isinstance(claims, dict):
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    subject, name, expires = claims.get("sub"), claims.get("name", ""), claims.get("exp")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 100:
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    if not isinstance(name, str) or len(name) > 120:
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    if expires + LEEWAY_S < now:
        raise RelaisError(ErrorCode.IDENTITY_EXPIRED)
    if expires > now + MAX_LIFETIME_S + LEEWAY_S:
        raise RelaisError(ErrorCode.IDENTITY_INVALID)
    return VerifiedCustomer(customer_id=subject.strip(), name=name.strip())
