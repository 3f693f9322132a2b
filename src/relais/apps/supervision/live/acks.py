"""Acknowledging the wallboard's alerts (docs/supervision.md, "Alerts").

An acknowledgement belongs to the scope of the person who made it (their teams, their
partner, the whole organisation): every viewer of that scope sees the alert acknowledged,
with who and when, after a reload too; viewers of another scope still see it. It covers the
occurrence it was made on (`Alert.since` at or before the acknowledgement): a later
occurrence shows again. Only an alert the person sees now can be acknowledged; each one is
audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.organisation.scoping import scope_for
from relais.apps.supervision.access import require_supervision
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import scope_key, snapshot
from relais.apps.supervision.live.frames import Alert, LiveFigures
from relais.apps.supervision.models import AlertAcknowledgement


def acknowledged(figures: LiveFigures, scope: str) -> LiveFigures:
    """`figures` with each alert that an acknowledgement of `scope` covers marked (who, when)."""
    if not figures.alerts:
        return figures
    earliest = min(alert.since for alert in figures.alerts)
    acks = AlertAcknowledgement.objects.filter(
        scope=scope,
        key__in={alert.key for alert in figures.alerts},
        acknowledged_at__gte=earliest,
    ).select_related("acknowledged_by")
    latest: dict[tuple[str, str], AlertAcknowledgement] = {}
    for row in acks.order_by("acknowledged_at"):
        latest[(row.kind, row.key)] = row
    marked = []
    for alert in figures.alerts:
        ack = latest.get((alert.kind, alert.key))
        if ack is not None and ack.acknowledged_at >= alert.since:
            by = ack.acknowledged_by
            alert = alert.model_copy(
                update={
                    "acknowledged_by": by.get_full_name() or by.username,
                    "acknowledged_at": ack.acknowledged_at,
                }
            )
        marked.append(alert)
    return figures.model_copy(update={"alerts": marked})


def alert_acknowledge(*, actor: Any, kind: str, key: str) -> AlertAcknowledgement:
    """Acknowledge the alert (kind, key) the actor sees now; 404 `no_such_alert` otherwise
    (it ended, or it is outside their scope)."""
    require_supervision(actor)
    scope = scope_for(actor)
    board = LiveBoard()
    board.rebuild()
    found: Alert | None = next(
        (
            a
            for a in snapshot(board, scope, board.clock()).alerts
            if a.kind == kind and a.key == key
        ),
        None,
    )
    if found is None:
        raise RelaisError(ErrorCode.NO_SUCH_ALERT)
    with transaction.atomic():
        ack = AlertAcknowledgement.objects.create(
            scope=scope_key(scope),
            kind=found.kind,
            key=found.key,
            subject=found.subject[:200],
            since=found.since,
            acknowledged_by=actor,
            acknowledged_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="supervision.alert_acknowledge",
            obj=ack,
            changes={"kind": found.kind, "subject": found.subject, "scope": ack.scope},
        )
    return ack
