"""One attempt at a delivery: the signed POST, its outcome recorded, the next attempt
planned with exponential backoff (`WEBHOOK_RETRY_S` × 2^(attempts − 1)) until
`WEBHOOK_MAX_ATTEMPTS`, then given up (an administrator may replay it)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.apps.webhooks.models import DeliveryStatus, WebhookDelivery
from relais.apps.webhooks.signing import signed_headers


def delivery_body(delivery: WebhookDelivery) -> bytes:
    body = {"delivery_id": str(delivery.delivery_id), **delivery.payload}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return dt.timedelta(seconds=settings.WEBHOOK_RETRY_S * 2 ** max(0, attempts - 1))


def delivery_attempt(delivery_pk: int, *, now: dt.datetime | None = None) -> WebhookDelivery:
    """Send a pending delivery once (nothing for one delivered or given up); its row says
    how it went."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_pk)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    now = now or timezone.now()
    body = delivery_body(delivery)
    headers = signed_headers(
        secret=delivery.subscription.secret,
        timestamp=int(now.timestamp()),
        body=body,
        delivery_id=str(delivery.delivery_id),
        event=delivery.event,
    )
    code: int | None = None
    error = ""
    try:
        response = httpx.post(
            delivery.subscription.url,
            content=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_S,
            follow_redirects=False,
        )
        code = response.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}: {response.text[:200]}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_pk)
        delivery.attempts += 1
        delivery.response_code = code
        delivery.last_error = error[:500]
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save()
    return delivery
