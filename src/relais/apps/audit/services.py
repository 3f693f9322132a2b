"""Writing to the audit log, and anchoring it outside the database."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.audit import queries
from relais.apps.audit.anchors import Anchor, anchor_append, anchors_read
from relais.apps.audit.chain import GENESIS, KEYED, UNKEYED, entry_digest
from relais.apps.audit.keys import audit_key
from relais.apps.audit.models import AuditEntry
from relais.apps.audit.verification import Verdict, chain_verify, chain_verify_since_anchor

__all__ = [
    "GENESIS",
    "audit_access",
    "audit_anchor",
    "audit_anchor_duty",
    "audit_record",
    "audit_verify_chain",
]

logger = logging.getLogger("relais.audit")
_ADVISORY_LOCK_KEY = 0x52454C41  # "RELA": serialises the chain on PostgreSQL


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
        chain_version=KEYED,
    )
    entry.digest = entry_digest(entry, previous=entry.previous_digest, key=audit_key())
    return rows.add(entry)


def audit_verify_chain() -> int | None:
    """The id of the first entry found wrong, or None when the chain and its anchors hold."""
    verdict = chain_verify()
    return None if verdict.intact else verdict.entry_id


def audit_anchor(*, since_last: bool = False) -> tuple[Verdict, Anchor | None]:
    """Verify the chain, then, when it holds, write its length and last digest outside the
    database (audit/anchors.py). A chain that fails is not anchored: the verdict says why.
    `since_last`: verify only what follows the last anchor (the periodic duty)."""
    verdict = chain_verify_since_anchor() if since_last else chain_verify()
    if not verdict.intact or verdict.last_id is None:
        return verdict, None
    previous = anchors_read()
    if previous:
        unkeyed_last_id = previous[0].unkeyed_last_id
    else:
        unkeyed_last_id = (
            AuditEntry.objects.filter(chain_version=UNKEYED)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
    anchor = Anchor(
        at=timezone.now().isoformat(timespec="seconds"),
        entries=verdict.entries,
        last_id=verdict.last_id,
        digest=verdict.digest,
        unkeyed_last_id=unkeyed_last_id,
    )
    anchor_append(anchor)
    return verdict, anchor


_whole_walk = {"at": float("-inf")}


def audit_anchor_duty() -> None:
    """The active router's periodic anchor: what was written since the last anchor, and the
    whole chain once a day (`AUDIT_WHOLE_VERIFY_EVERY_S`) and after a start. A chain that fails
    is said in the log, loudly."""
    now = time.monotonic()
    whole = now - _whole_walk["at"] >= settings.AUDIT_WHOLE_VERIFY_EVERY_S
    verdict, _anchor = audit_anchor(since_last=not whole)
    if whole and verdict.intact:
        _whole_walk["at"] = now
    if not verdict.intact:
        logger.error("audit log verification failed: %s", verdict.message)


def audit_access(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Record a read worth knowing of (a customer's record viewed, an export, a sign-in) in
    a transaction of its own: nothing else is written with it."""
    with transaction.atomic():
        return audit_record(actor=actor, action=action, obj=obj, changes=changes, reason=reason)
