"""A waiting contact's place in its queue's line and its estimated wait, read from the record.

What the chat widget tells a waiting customer and the voice service announces to a queued
caller (docs/events-protocol.md): position 1 is next; the wait is position × the queue's mean
handling time / the places (chat or call capacity, by the queue's channel) of the agents
logged in, not on break, who may serve the queue; None when nobody who could answer is there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Q

from relais.apps.interactions.models import (
    OUT_STATES,
    AgentPresence,
    Contact,
    ContactState,
    PresenceState,
)
from relais.apps.organisation.models import Agent
from relais.apps.routing.config import engine_queue, engine_site
from relais.apps.routing.models import Channel, Queue
from relais.apps.routing.selectors import may_serve

DEFAULT_HANDLE_S = 240.0
CAPACITY_TTL_S = 15.0
WAITING = (ContactState.CREATED, ContactState.QUEUED)


@dataclass(frozen=True)
class WaitEstimate:
    position: int
    seconds: int | None  # None: nobody who could answer is there


_capacity_cache: dict[int, tuple[float, int]] = {}


def _places(agent: Agent, channel: str) -> int:
    if channel == Channel.VOICE:
        return int(agent.capacity_voice)
    if channel == Channel.EMAIL:
        return int(agent.capacity_email)
    return int(agent.capacity_chat)


def _staffed_capacity(queue: Queue) -> int:
    """Places of the logged-in, not-on-break agents who may serve the queue (cached)."""
    now = time.monotonic()
    cached = _capacity_cache.get(queue.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    config = engine_queue(queue)
    present = AgentPresence.objects.exclude(
        state__in=(*OUT_STATES, PresenceState.BREAK)
    ).values_list("agent_id", flat=True)
    agents = (
        Agent.objects.filter(pk__in=list(present), active=True)
        .select_related("site")
        .prefetch_related("skill_levels__skill")
    )
    capacity = sum(
        _places(agent, queue.channel)
        for agent in agents
        if may_serve(config, agent, engine_site(agent.site))
    )
    _capacity_cache[queue.pk] = (now + CAPACITY_TTL_S, capacity)
    return capacity


def _handle_seconds(queue: Queue) -> float:
    """Mean handling time of the queue's last 50 handled contacts."""
    rows = Contact.objects.filter(
        queue=queue, accepted_at__isnull=False, closed_at__isnull=False
    ).order_by("-closed_at")[:50]
    spans = [
        ((row.wrap_up_at or row.closed_at) - row.accepted_at).total_seconds()  # type: ignore[operator]
        for row in rows
    ]
    spans = [span for span in spans if span > 0]
    return sum(spans) / len(spans) if spans else DEFAULT_HANDLE_S


def contact_wait_estimate(contact_id: int) -> WaitEstimate | None:
    """Place in the line (1: next) and estimated wait, or None when not waiting."""
    contact = Contact.objects.select_related("queue").get(pk=contact_id)
    if contact.state not in WAITING:
        return None
    ahead = (
        Contact.objects.filter(queue_id=contact.queue_id, state__in=WAITING)
        .filter(
            Q(priority__gt=contact.priority)
            | Q(priority=contact.priority, created_at__lt=contact.created_at)
        )
        .exclude(pk=contact.pk)
        .count()
    )
    position = ahead + 1
    capacity = _staffed_capacity(contact.queue)
    if capacity == 0:
        return WaitEstimate(position, None)
    return WaitEstimate(position, round(position * _handle_seconds(contact.queue) / capacity))
