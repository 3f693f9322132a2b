"""Writing to and verifying the audit log."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.audit import queries
from relais.apps.audit.models import AuditEntry

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x52454C41  # "RELA": serialises the chain on PostgreSQL


def _digest(previous: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
        "reason": entry.reason,
    }


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the chain; call inside the transaction of the write it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the audited write")
    last = queries.last_digest_locked(_ADVISORY_LOCK_KEY)
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=None if actor is None else actor.pk,
        action=action,
        object_type=obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__,
        object_id=str(getattr(obj, "pk", "")),
        changes=json.loads(json.dumps(changes or {}, default=str)),
        reason=reason[:500],
        previous_digest=last or GENESIS,
    )
    entry.digest = _digest(entry.previous_digest, _payload(entry))
    return rows.add(entry)


def audit_verify_chain() -> int | None:
    """Return the id of the first entry whose digest does not match, or None if intact."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_digest != previous or entry.digest != _digest(previous, _payload(entry)):
            return entry.id
        previous = entry.digest
    return None
