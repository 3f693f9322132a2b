"""Retention: each kind of a customer's data is scrubbed (gdpr/scrubbing.py) once its
contact ended longer ago than its rule's days (the queue's rule, else the rule without a
queue; no rule: kept). Run by the active router every `RETENTION_EVERY_S` and by
`relais gdpr retention [--dry-run]`; a run that changes something is audited."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.compliance.models import DataKind, RetentionRule
from relais.apps.compliance.scrubbing import SCRUBBERS
from relais.apps.interactions.models import Contact

logger = logging.getLogger("relais.gdpr")


def _past_retention(kind: DataKind, rules: list[RetentionRule], now: dt.datetime) -> list[int]:
    """The ended contacts whose `kind` is past its rule."""
    of_kind = [rule for rule in rules if rule.kind == kind]
    default = next((rule for rule in of_kind if rule.queue_id is None), None)
    own = {rule.queue_id: rule for rule in of_kind if rule.queue_id is not None}
    ended = Contact.objects.annotate(ended_at=Coalesce("closed_at", "abandoned_at")).filter(
        ended_at__isnull=False
    )
    due = Q(pk__in=[])
    for queue_id, rule in own.items():
        due |= Q(queue_id=queue_id, ended_at__lt=now - dt.timedelta(days=rule.days))
    if default is not None:
        due |= Q(ended_at__lt=now - dt.timedelta(days=default.days)) & ~Q(queue_id__in=own)
    return list(ended.filter(due).values_list("id", flat=True))


def retention_apply(
    *, actor: Any = None, dry_run: bool = False, now: dt.datetime | None = None
) -> dict[str, int]:
    """Rows scrubbed (or, with `dry_run`, that would be) per data kind."""
    now = now or timezone.now()
    rules = list(RetentionRule.objects.all())
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind in DataKind:
            ids = _past_retention(kind, rules, now)
            counts[kind.value] = SCRUBBERS[kind](ids, dry_run=dry_run) if ids else 0
        if not dry_run and any(counts.values()):
            audit_record(
                actor=actor,
                action="retention.apply",
                obj=RetentionRule(),
                changes=counts,
                reason="retention",
            )
    return counts


def retention_duty() -> None:
    """The active router's run (apps.py)."""
    counts = retention_apply()
    if any(counts.values()):
        logger.info("retention applied: %s", counts)
