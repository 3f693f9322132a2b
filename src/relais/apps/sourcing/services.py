"""Writes of sourcing: importing a partner's reported figures, setting an internal site's
loaded cost. Each is checked, done in one transaction and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Partner, Site
from relais.apps.routing.models import Queue
from relais.apps.sourcing.access import importable_partners, may_import
from relais.apps.sourcing.errors import ErrorCode
from relais.apps.sourcing.models import ImportChannel, LoadedCost, ReportedDay, ReportedImport
from relais.apps.sourcing.parsing import row_reader
from relais.core.importing import DEFAULT_TOLERANCE, MalformedInput, tolerant
from relais.core.sourcing.reported import ReportedRow

_FIELDS = (
    "offered",
    "handled",
    "abandoned",
    "service_level",
    "asa_seconds",
    "aht_seconds",
    "hours",
    "csat_responses",
    "csat_satisfied",
    "fcr_judged",
    "fcr_resolved",
)


def _check_partner(actor: Any, partner: Partner) -> None:
    """The command line (no actor) imports for any partner; a person within their rights."""
    if actor is None:
        return
    if not may_import(actor):
        raise RelaisError(ErrorCode.NOT_ALLOWED)
    if not importable_partners(actor).filter(pk=partner.pk).exists():
        raise RelaisError(ErrorCode.UNKNOWN_PARTNER)


def _refusal(error: MalformedInput) -> RelaisError:
    named = "; ".join(
        _("line %(line)s: %(reason)s") % {"line": bad.line, "reason": bad.reason}
        for bad in error.report.malformed[:5]
    )
    return RelaisError(
        ErrorCode.MALFORMED_IMPORT,
        skipped=error.report.skipped,
        lines=error.report.lines,
        tolerance=f"{100 * error.tolerance:g}",
        lines_named=named,
    )


def reported_import(
    *,
    actor: Any,
    partner: Partner,
    rows: Iterable[tuple[int, tuple[int, Mapping[str, object]]]],
    channel: ImportChannel,
    source: str = "",
    tolerance: float = DEFAULT_TOLERANCE,
) -> ReportedImport:
    """Store a partner's reported days (a day and queue already stored is replaced); lines
    that cannot be read are skipped and named below `tolerance`, above it nothing is stored."""
    _check_partner(actor, partner)
    queues = {queue.code: queue for queue in Queue.objects.all()}
    try:
        parsed, report = tolerant(
            rows, row_reader(set(queues)), source=source or channel, tolerance=tolerance
        )
    except MalformedInput as error:
        raise _refusal(error) from None
    if not report.lines:
        raise RelaisError(ErrorCode.EMPTY_IMPORT)
    malformed = [{"line": bad.line, "reason": bad.reason} for bad in report.malformed[:100]]
    with transaction.atomic():
        batch = ReportedImport.objects.create(
            partner=partner,
            imported_by=actor,
            channel=channel,
            source=source[:200],
            lines=report.lines,
            stored=len(parsed),
            skipped=report.skipped,
            malformed=malformed,
        )
        replaced = _store(partner, batch, parsed, queues)
        audit_record(
            actor=actor,
            action="sourcing.reported_import",
            obj=batch,
            changes={
                "partner": partner.name,
                "channel": channel,
                "source": source[:200],
                "lines": report.lines,
                "stored": len(parsed),
                "replaced": replaced,
                "skipped": report.skipped,
                "first_day": min((row.day for row in parsed), default=None),
                "last_day": max((row.day for row in parsed), default=None),
            },
        )
    return batch


def _store(
    partner: Partner, batch: ReportedImport, parsed: list[ReportedRow], queues: dict[str, Queue]
) -> int:
    """Insert or replace each day; the number replaced."""
    existing = {
        (day.queue_id, day.day): day
        for day in ReportedDay.objects.filter(partner=partner, day__in={row.day for row in parsed})
    }
    created, updated = [], []
    for row in parsed:
        queue = queues[row.queue]
        values = {name: getattr(row, name) for name in _FIELDS}
        day = existing.get((queue.pk, row.day))
        if day is None:
            created.append(
                ReportedDay(partner=partner, queue=queue, day=row.day, imported=batch, **values)
            )
            continue
        for name, value in values.items():
            setattr(day, name, value)
        day.imported = batch
        updated.append(day)
    ReportedDay.objects.bulk_create(created, batch_size=1000)
    ReportedDay.objects.bulk_update(updated, [*_FIELDS, "imported"], batch_size=1000)
    return len(updated)


def loaded_cost_set(
    *,
    actor: Any,
    site: Site,
    per_hour: Decimal,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    currency: str = "EUR",
) -> LoadedCost:
    """Give an internal site a loaded cost per productive hour over a period (audited);
    periods of one site never overlap."""
    if site.partner_id is not None:
        raise RelaisError(ErrorCode.INTERNAL_SITES_ONLY)
    if valid_until is not None and valid_until < valid_from:
        raise RelaisError(ErrorCode.INVALID_PERIOD)
    overlapping = LoadedCost.objects.filter(site=site).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    if overlapping.exists():
        raise RelaisError(ErrorCode.OVERLAPPING_COST)
    with transaction.atomic():
        cost = LoadedCost.objects.create(
            site=site,
            per_hour=per_hour,
            currency=currency,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        audit_record(
            actor=actor,
            action="sourcing.loaded_cost_set",
            obj=cost,
            changes={
                "site": site.name,
                "per_hour": str(per_hour),
                "currency": currency,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return cost
