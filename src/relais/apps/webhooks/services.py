"""Administrators' writes on webhooks: a delivery replayed (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.accounts.permissions import require_administrator
from relais.apps.audit.services import audit_record
from relais.apps.webhooks.jobs import deliveries_enqueue_on_commit
from relais.apps.webhooks.models import DeliveryStatus, WebhookDelivery


def delivery_replay(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, whatever became of it, with the same delivery id (a receiver
    that already handled it ignores it)."""
    require_administrator(actor)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        before = delivery.status
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="webhook_delivery.replay",
            obj=delivery,
            changes={"status": before, "delivery_id": str(delivery.delivery_id)},
        )
        deliveries_enqueue_on_commit([delivery.pk])
    return delivery
