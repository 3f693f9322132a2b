"""What the router says of each batch it committed: offers and routing latency counted
(apps/telemetry), and every decision on the contact's trail (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from relais.apps.interactions.models import EventKind
from relais.apps.telemetry.logs import trail
from relais.apps.telemetry.metrics import OFFERS, ROUTING_LATENCY
from relais.core.routing import OfferMade, RoutingEvent


def batch_observe(
    requests: list[dict[str, Any]], events: list[RoutingEvent], committed_at: dt.datetime
) -> None:
    """After commit: one offer counted per `OfferMade`, the latency of each contact created in
    the batch (its log time to this commit), and each decision logged with its contact."""
    for request in requests:
        if request["kind"] == EventKind.CONTACT_CREATED:
            ROUTING_LATENCY.observe(max(0.0, (committed_at - request["at"]).total_seconds()))
    for event in events:
        if isinstance(event, OfferMade):
            OFFERS.labels(queue=event.queue_id).inc()
    if trail.isEnabledFor(logging.INFO):
        for event in events:
            contact = getattr(event, "contact_id", None)
            if contact is not None:
                trail.info(
                    "router: %s",
                    type(event).__name__,
                    extra={
                        "contact_id": contact,
                        "agent": getattr(event, "agent_id", None),
                        "decision": type(event).__name__,
                    },
                )
