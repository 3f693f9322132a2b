"""Reads of the routing configuration.

Queues are the client's configuration: every signed-in person may read their definition.
Live queue figures (waiting contacts, agents by state) are read above the contacts, in
`relais.apps.router.selectors`. See docs/router.md.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent
from relais.apps.routing.config import agent_profile
from relais.apps.routing.models import Queue, parse_hours
from relais.core.routing import QueueConfig, Site, weekly
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


def queue_open(queue: Queue, at: float | None = None) -> bool:
    """Active, and within its opening hours (empty: always open); `at`: epoch seconds."""
    specs = parse_hours(queue.time_zone, queue.opening_hours)
    if not queue.active:
        return False
    return not specs or weekly(queue.time_zone, *specs).is_open(time.time() if at is None else at)
