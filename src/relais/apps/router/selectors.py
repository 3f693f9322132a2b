"""Live queue figures, read above the contacts and the agents' presence.

Queue status counts the waiting contacts of the whole queue (everyone staffing it needs
that figure), but the agents by state only among the agents the viewer may see: a partner
manager sees how many of *their* agents are available for the queue, a supervisor their
teams', an agent themself. See docs/router.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min
from django.utils import timezone

from relais.apps.interactions.models import AgentPresence, Contact, ContactState, PresenceState
from relais.apps.organisation.selectors import agent_list
from relais.apps.routing.config import engine_queue, engine_site
from relais.apps.routing.models import Queue
from relais.apps.routing.selectors import may_serve


@dataclass(frozen=True)
class QueueFigures:
    queue: Queue
    waiting: int
    longest_wait_seconds: float
    agents_by_state: dict[str, int]


def queue_status(*, viewer: Any, queue: Queue) -> QueueFigures:
    now = timezone.now()
    waiting = Contact.objects.filter(
        queue=queue, state__in=(ContactState.CREATED, ContactState.QUEUED)
    )
    oldest = waiting.aggregate(oldest=Min("queued_at"), created=Min("created_at"))
    since: dt.datetime | None = oldest["oldest"] or oldest["created"]
    config = engine_queue(queue)
    states = dict(AgentPresence.objects.values_list("agent_id", "state"))
    counts = dict.fromkeys(PresenceState.values, 0)
    for agent in agent_list(viewer=viewer).filter(active=True):
        if may_serve(config, agent, engine_site(agent.site)):
            counts[states.get(agent.pk, PresenceState.OFFLINE)] += 1
    return QueueFigures(
        queue=queue,
        waiting=waiting.count(),
        longest_wait_seconds=0.0 if since is None else max(0.0, (now - since).total_seconds()),
        agents_by_state=counts,
    )
