"""Delivering a briefing to the agents of a wave: the desk stream, and for a blocking one the
hold on its queues in the live router (docs/briefings.md). Called when the briefing is
published (the waves due at once) and by the roll-out job at each later wave's time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from relais.apps.briefings.models import Delivery
from relais.apps.deskstream.events import BriefingEvent, desk_event_append
from relais.apps.router.holds import queue_holds_place


def briefings_deliver_due(*, now: dt.datetime | None = None) -> int:
    """Deliver every delivery whose wave fell due; returns how many."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        due = Delivery.objects.select_for_update(skip_locked=True).filter(
            delivered_at__isnull=True, due_at__lte=now
        )
        return deliveries_deliver(due, now)


def deliveries_deliver(deliveries: Iterable[Delivery], now: dt.datetime) -> int:
    items = list(deliveries.select_related("briefing"))  # type: ignore[attr-defined]
    by_briefing: dict[int, list[Delivery]] = {}
    for delivery in items:
        by_briefing.setdefault(delivery.briefing_id, []).append(delivery)
    for group in by_briefing.values():
        briefing = group[0].briefing
        Delivery.objects.filter(pk__in=[d.pk for d in group]).update(delivered_at=now)
        if briefing.blocking:
            queue_holds_place(
                agent_ids=[d.agent_id for d in group],
                queues=briefing.queues.all(),
                source=briefing.hold_source,
            )
        event = BriefingEvent(
            briefing_id=briefing.pk, title=briefing.title, blocking=briefing.blocking
        )
        for delivery in group:
            desk_event_append(
                agent_id=delivery.agent_id, event=event, key=f"briefing:{briefing.pk}"
            )
    return len(items)
