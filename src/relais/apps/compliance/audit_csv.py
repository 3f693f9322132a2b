"""The audit log's CSV export (the rows the administrator's filters found)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from relais.apps.audit.models import AuditEntry
from relais.core.spreadsheet import formula_safe

HEADER = ["id", "at", "actor", "action", "object_type", "object_id", "changes", "reason", "digest"]


def _cell(value: object) -> str:
    return formula_safe("" if value is None else str(value))


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for entry in entries:
        writer.writerow(
            _cell(value)
            for value in (
                entry.pk,
                entry.at.isoformat(),
                entry.actor.username if entry.actor else "",
                entry.action,
                entry.object_type,
                entry.object_id,
                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
                entry.reason,
                entry.digest,
            )
        )
    return out.getvalue()
