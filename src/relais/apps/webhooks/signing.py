"""Signing a delivery, as the receiver checks it (docs/integrations.md has its snippet).

`Relais-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's
secret>`, `Relais-Timestamp: <Unix seconds>`, `Relais-Delivery: <the delivery's id, the same
on every attempt>`, `Relais-Event: <the event's name>`."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    *, secret: str, timestamp: int, body: bytes, delivery_id: str, event: str
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Relais-Webhooks/1",
        "Relais-Delivery": delivery_id,
        "Relais-Event": event,
        "Relais-Timestamp": str(timestamp),
        "Relais-Signature": signature(secret, timestamp, body),
    }
