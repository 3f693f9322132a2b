"""The agent's day on the desktop's state bar: their own figures since local midnight, and
the queues they serve with the contacts waiting in each (read every 30 s by the page)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import Count
from django.utils import timezone
from pydantic import BaseModel

from relais.apps.desktop.selectors import desk_agent
from relais.apps.interactions.models import CloseReason, Contact, ContactState
from relais.apps.organisation.models import Agent
from relais.apps.routing.config import engine_queue, engine_site, queues_for_engine
from relais.apps.routing.selectors import may_serve

WAITING = (ContactState.CREATED, ContactState.QUEUED)


class ServedQueue(BaseModel):
    code: str
    label: str
    waiting: int


class DayFigures(BaseModel):
    """Contacts the agent handled today and their average handling time (from accept to the
    end of the conversation: wrap-up start, else close), in seconds (None: none handled)."""

    handled: int
    average_handle_seconds: float | None
    queues: list[ServedQueue]


def local_midnight(agent: Agent, now: dt.datetime | None = None) -> dt.datetime:
    """The start of today in the agent's site's time zone."""
    zone = zoneinfo.ZoneInfo(agent.site.time_zone)
    local = (now or timezone.now()).astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def day_figures(*, viewer: Any, now: dt.datetime | None = None) -> DayFigures:
    agent = desk_agent(viewer=viewer)
    handled = Contact.objects.filter(
        agent_id=agent.pk,
        state=ContactState.CLOSED,
        close_reason=CloseReason.HANDLED,
        closed_at__gte=local_midnight(agent, now),
        accepted_at__isnull=False,
    ).values_list("accepted_at", "wrap_up_at", "closed_at")
    spans = []
    for accepted, wrap, closed in handled:
        ended = wrap or closed
        if accepted is not None and ended is not None:
            spans.append((ended - accepted).total_seconds())
    return DayFigures(
        handled=len(spans),
        average_handle_seconds=round(sum(spans) / len(spans), 1) if spans else None,
        queues=served_queues(agent),
    )


def served_queues(agent: Agent) -> list[ServedQueue]:
    """The active queues the agent may serve (the engine's rule), with their waiting counts."""
    site = engine_site(agent.site)
    queues = [q for q in queues_for_engine() if may_serve(engine_queue(q), agent, site)]
    waiting = dict(
        Contact.objects.filter(queue__in=queues, state__in=WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    return [ServedQueue(code=q.code, label=q.label, waiting=waiting.get(q.pk, 0)) for q in queues]
