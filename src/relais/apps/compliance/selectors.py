"""Reads of the compliance pages: the audit log searched by an administrator, what is held
about a customer, and retention's rules. Administrators only: anyone else gets nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from relais.apps.accounts.permissions import is_administrator
from relais.apps.audit.models import AuditEntry
from relais.apps.compliance.models import RetentionRule
from relais.apps.compliance.subjects import subject_contacts, subject_key


def may_see_compliance(viewer: Any) -> bool:
    """The audit log, personal-data requests and retention: administrators only."""
    return is_administrator(viewer)


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def audit_search(*, viewer: Any, where: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries matching every filter given, newest first (none for a non-administrator):
    the actor's username contains `actor`, the action starts with `action`, the object's type
    and id are equal, `start` and `end` days included (UTC)."""
    if not may_see_compliance(viewer):
        return AuditEntry.objects.none()
    found = AuditEntry.objects.select_related("actor").order_by("-id")
    if where.actor:
        found = found.filter(actor__username__icontains=where.actor)
    if where.action:
        found = found.filter(action__startswith=where.action)
    if where.object_type:
        found = found.filter(object_type=where.object_type)
    if where.object_id:
        found = found.filter(object_id=where.object_id)
    if where.start:
        found = found.filter(at__date__gte=where.start)
    if where.end:
        found = found.filter(at__date__lte=where.end)
    return found


def customer_holdings(*, viewer: Any, given: str) -> tuple[str, dict[str, int]]:
    """The customer's key and how many of their contacts each channel holds (nothing for a
    non-administrator: the caller checks first)."""
    if not may_see_compliance(viewer):
        return "", {}
    key = subject_key(given)
    counted = subject_contacts(key).order_by().values("channel").annotate(count=Count("id"))
    return key, {row["channel"]: row["count"] for row in counted}


def retention_rules(*, viewer: Any) -> QuerySet[RetentionRule]:
    if not may_see_compliance(viewer):
        return RetentionRule.objects.none()
    return RetentionRule.objects.select_related("queue").order_by("kind", "queue__code")
