"""Reads of the routing configuration and of live queue figures.

Queues are the client's configuration: every signed-in person may read their definition.
Queue status counts the waiting contacts of the whole queue (everyone staffing it needs
that figure), but the agents by state only among the agents the viewer may see: a partner
manager sees how many of *their* agents are available for the queue, a supervisor their
teams', an agent themself. See docs/router.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, QuerySet
from django.utils import timezone

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import AgentPresence, Contact, ContactState, PresenceState
from relais.apps.organisation.models import Agent
from relais.apps.organisation.selectors import agent_list
from relais.apps.routing.config import agent_profile, engine_queue, engine_site
from relais.apps.routing.models import Queue
from relais.core.routing import QueueConfig, Site
from relais.core.routing.roster import meets


def queue_list(*, viewer: Any) -> QuerySet[Queue]:
    if not getattr(viewer, "is_authenticated", False):
        return Queue.objects.none()
    return Queue.objects.prefetch_related(
        "skill_levels__skill", "overflow_steps__sites", "overflow_steps__partners"
    )


def queue_get(*, viewer: Any, queue_id: int) -> Queue:
    try:
        return queue_list(viewer=viewer).get(pk=queue_id)
    except Queue.DoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=Queue._meta.verbose_name) from missing


@dataclass(frozen=True)
class QueueFigures:
    queue: Queue
    waiting: int
    longest_wait_seconds: float
    agents_by_state: dict[str, int]


def may_serve(config: QueueConfig, agent: Agent, site: Site) -> bool:
    """The engine's eligibility rule: language, channel capacity, one step's target and
    skill levels (tests/core/routing checks the engine against the same statement)."""
    profile = agent_profile(agent)
    if config.language is not None and config.language not in profile.languages:
        return False
    if profile.capacity.get(config.channel, 0) <= 0:
        return False
    return any(
        step.target.matches(site) and meets(profile.skills, config.levels_at(index))
        for index, step in enumerate(config.steps)
    )


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
