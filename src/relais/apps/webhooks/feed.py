"""From the contact event log to deliveries: the feed reads the log after its saved place
(interactions.cursor: the ids that may still commit are waited for), makes one delivery per
event and subscription that wants it, and saves its place in the same transaction, so that
after a restart nothing is missed and nothing is delivered twice."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.interactions.cursor import LogCursor
from relais.apps.interactions.models import Contact, ContactEvent
from relais.apps.organisation.models import Agent
from relais.apps.webhooks.catalogue import FROM_LOG
from relais.apps.webhooks.jobs import deliveries_enqueue_on_commit
from relais.apps.webhooks.models import WebhookDelivery, WebhookFeed, WebhookSubscription

BATCH = 500
BRAND_ID_PREFIX = "id:"  # Contact.customer_key of a customer the brand's site vouched for


def webhooks_feed(*, now: float | None = None, limit: int = BATCH) -> int:
    """One turn: the deliveries of the log's new lines; returns how many were made."""
    now = time.time() if now is None else now
    with transaction.atomic():
        feed = WebhookFeed.objects.select_for_update().first()
        if feed is None:  # the first turn ever: from the log's end (no history replayed)
            start = LogCursor.at_end(now)
            feed = WebhookFeed.objects.create(
                last_id=start.last, gaps=[[pk, until] for pk, until in start.gaps.items()]
            )
        cursor = LogCursor(feed.last_id)
        cursor.gaps = {int(pk): float(until) for pk, until in feed.gaps}
        events = cursor.read(now, limit)
        made = _deliveries(events)
        gaps = [[pk, until] for pk, until in sorted(cursor.gaps.items())]
        if (cursor.last, gaps) != (feed.last_id, feed.gaps):  # an idle log: no write
            feed.last_id, feed.gaps = cursor.last, gaps
            feed.save(update_fields=["last_id", "gaps", "updated_at"])
        deliveries_enqueue_on_commit([d.pk for d in made])
    return len(made)


def _deliveries(events: list[ContactEvent]) -> list[WebhookDelivery]:
    wanted = [e for e in events if e.kind in FROM_LOG]
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    if not wanted or not subscriptions:
        return []
    contacts = Contact.objects.select_related("queue").in_bulk(
        {e.contact_id for e in wanted if e.contact_id}
    )
    partners = dict(
        Agent.objects.filter(pk__in={e.agent_id for e in wanted if e.agent_id}).values_list(
            "pk", "site__partner_id"
        )
    )
    now = timezone.now()
    made = []
    for event in wanted:
        name = FROM_LOG[event.kind]
        contact = contacts.get(event.contact_id) if event.contact_id else None
        partner = partners.get(event.agent_id) if event.agent_id else None
        if partner is None and contact is not None:
            partner = contact.partner_id
        for subscription in _listening(subscriptions, name, event, partner):
            made.append(
                WebhookDelivery(
                    subscription=subscription,
                    event=name,
                    log_id=event.pk,
                    payload=event_payload(event, name, contact),
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    return WebhookDelivery.objects.bulk_create(made, ignore_conflicts=False)


def _listening(
    subscriptions: Iterable[WebhookSubscription], name: str, event: ContactEvent, partner: Any
) -> list[WebhookSubscription]:
    """The subscriptions that want this event: its name chosen, made before it, and for a
    partner's subscription, a contact of that partner's (its agent's site, else the
    contact's own)."""
    return [
        s
        for s in subscriptions
        if name in s.events
        and s.created_at <= event.at
        and (s.partner_id is None or s.partner_id == partner)
    ]


def event_payload(event: ContactEvent, name: str, contact: Contact | None) -> dict[str, Any]:
    """What the receiver reads: the event and its contact, with no personal data but the
    brand's own customer id (docs/integrations.md)."""
    payload: dict[str, Any] = {
        "event": name,
        "occurred_at": event.at.isoformat(),
        "agent_id": event.agent_id,
        "data": event.data or {},
    }
    if contact is not None:
        key = contact.customer_key
        payload["contact"] = {
            "id": contact.pk,
            "channel": contact.channel,
            "queue": contact.queue.code,
            "state": contact.state,
            "close_reason": contact.close_reason,
            "customer_id": key[len(BRAND_ID_PREFIX) :] if key.startswith(BRAND_ID_PREFIX) else "",
            "created_at": contact.created_at.isoformat(),
        }
    return payload
