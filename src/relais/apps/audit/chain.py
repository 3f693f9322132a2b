"""How one entry's digest is computed, by version of the chain.

- version 1 (entries written before the chain was keyed): SHA-256 of the previous digest and
  the entry; anyone can compute it, so it proves nothing on its own;
- version 2: HMAC-SHA256 of the same text under the audit key (audit/keys.py), which is not in
  the database. The first keyed entry links to the last unkeyed one, so the old chain carries
  on; unkeyed entries after a keyed one are refused by verification."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from relais.apps.audit.models import AuditEntry

GENESIS = "0" * 64
UNKEYED = 1
KEYED = 2


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
        "reason": entry.reason,
    }


def _text(previous: str, entry: AuditEntry) -> bytes:
    canonical = json.dumps(entry_payload(entry), sort_keys=True, separators=(",", ":"), default=str)
    return (previous + canonical).encode()


def entry_digest(entry: AuditEntry, *, previous: str, key: bytes) -> str:
    """The digest `entry` must carry after `previous`, by its chain version."""
    if entry.chain_version == UNKEYED:
        return hashlib.sha256(_text(previous, entry)).hexdigest()
    return hmac.new(key, _text(previous, entry), hashlib.sha256).hexdigest()
