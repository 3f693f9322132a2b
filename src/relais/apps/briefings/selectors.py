"""Reads of briefings, each through the viewer's scope (docs/briefings.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.briefings.access import may_follow
from relais.apps.briefings.errors import ErrorCode
from relais.apps.briefings.models import Briefing, Delivery
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent, Partner, Site, SkillKind
from relais.apps.organisation.scoping import scope_for
from relais.apps.organisation.selectors import agent_filter, agent_list
from relais.apps.routing.config import engine_queue, engine_site
from relais.apps.routing.models import Queue
from relais.apps.routing.selectors import may_serve


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a briefing is for, besides its queues: none of a kind means all of them."""

    sites: Sequence[Site] = ()
    partners: Sequence[Partner] = ()
    languages: Sequence[str] = ()


def audience_agents(*, author: Any, queues: Iterable[Queue], audience: Audience) -> list[Agent]:
    """The active agents in the author's scope who may serve one of the queues (the
    engine's rule) and belong to the audience, in a stable order."""
    configs = [engine_queue(queue) for queue in queues]
    agents = agent_list(viewer=author).filter(active=True).order_by("site_id", "pk")
    if audience.sites:
        agents = agents.filter(site__in=[site.pk for site in audience.sites])
    if audience.partners:
        agents = agents.filter(site__partner__in=[partner.pk for partner in audience.partners])
    wanted = set(audience.languages)
    found: list[Agent] = []
    for agent in agents:
        if wanted:
            spoken = {
                level.skill.code
                for level in agent.skill_levels.all()
                if level.skill.kind == SkillKind.LANGUAGE
            }
            if not spoken & wanted:
                continue
        site = engine_site(agent.site)
        if any(may_serve(config, agent, site) for config in configs):
            found.append(agent)
    return found


def briefing_list(*, viewer: Any) -> QuerySet[Briefing]:
    """The briefings the viewer follows: those delivered to an agent in their scope (an
    agent: their own), and those they wrote."""
    scope = scope_for(viewer)
    if not (may_follow(viewer) or scope.agent_id is not None):
        return Briefing.objects.none()
    reached = Delivery.objects.filter(agent_filter(scope, "agent__")).values("briefing_id")
    return (
        Briefing.objects.filter(Q(pk__in=reached) | Q(author=viewer))
        .select_related("author")
        .prefetch_related("queues")
    )


def briefing_get(*, viewer: Any, briefing_id: int) -> Briefing:
    found = briefing_list(viewer=viewer).filter(pk=briefing_id).first()
    if found is None:
        raise RelaisError(ErrorCode.BRIEFING_NOT_FOUND)
    return found


def agent_deliveries(*, agent: Agent, unacknowledged: bool = True) -> QuerySet[Delivery]:
    """The briefings delivered to the agent, newest first (by default: still to read)."""
    deliveries = (
        Delivery.objects.filter(agent=agent, delivered_at__isnull=False)
        .select_related("briefing")
        .prefetch_related("briefing__questions", "briefing__queues")
        .order_by("-delivered_at")
    )
    return deliveries.filter(acknowledged_at__isnull=True) if unacknowledged else deliveries


def delivery_of(*, agent: Agent, briefing_id: int) -> Delivery:
    found = agent_deliveries(agent=agent).filter(briefing_id=briefing_id).first()
    if found is None:
        raise RelaisError(ErrorCode.BRIEFING_NOT_FOUND)
    return found


def contacts_handled(agent_id: int, since: dt.datetime, until: dt.datetime) -> int:
    """Contacts the agent accepted in the period."""
    return Contact.objects.filter(
        agent_id=agent_id, accepted_at__gte=since, accepted_at__lt=until
    ).count()


@dataclass(frozen=True, slots=True)
class SiteFigures:
    """Acknowledgements of one site (and its partner), and its knowledge latency."""

    partner: str
    site: str
    delivered: int
    acknowledged: int
    waiting: int  # not yet reached by their wave
    wrong_answers: int
    mean_latency_s: float | None  # publication to acknowledgement, of those acknowledged
    contacts_before: int  # handled between delivery and acknowledgement (or now)

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.delivered) if self.delivered else 0


def _site_figures(deliveries: QuerySet[Delivery]) -> list[SiteFigures]:
    now = timezone.now()
    by_site: dict[int, list[Delivery]] = {}
    for delivery in deliveries.select_related("briefing", "agent__site__partner"):
        by_site.setdefault(delivery.agent.site_id, []).append(delivery)
    rows: list[SiteFigures] = []
    for items in by_site.values():
        site = items[0].agent.site
        reached = [d for d in items if d.delivered_at is not None]
        latencies = [
            (d.acknowledged_at - d.briefing.published_at).total_seconds()
            for d in reached
            if d.acknowledged_at is not None
        ]
        before = sum(
            d.contacts_before
            if d.contacts_before is not None
            else contacts_handled(d.agent_id, d.delivered_at or now, now)
            for d in reached
        )
        rows.append(
            SiteFigures(
                partner=site.partner.name if site.partner else "",
                site=site.name,
                delivered=len(reached),
                acknowledged=len(latencies),
                waiting=len(items) - len(reached),
                wrong_answers=sum(d.wrong_answers for d in items),
                mean_latency_s=sum(latencies) / len(latencies) if latencies else None,
                contacts_before=before,
            )
        )
    return sorted(rows, key=lambda row: (row.partner, row.site))


def _in_scope(viewer: Any) -> QuerySet[Delivery]:
    if not may_follow(viewer):
        raise RelaisError(AccountsErrorCode.PERMISSION_DENIED)
    return Delivery.objects.filter(agent_filter(scope_for(viewer), "agent__"))


def briefing_progress(*, viewer: Any, briefing: Briefing) -> list[SiteFigures]:
    """Per site in the viewer's scope: delivered, acknowledged, wrong answers, latency."""
    return _site_figures(_in_scope(viewer).filter(briefing=briefing))


def knowledge_latency(*, viewer: Any) -> list[SiteFigures]:
    """Per partner and site in the viewer's scope, over every briefing: time from
    publication to acknowledgement, contacts handled before it, wrong answers."""
    return _site_figures(_in_scope(viewer))


def briefing_counts(briefing: Briefing) -> dict[str, int]:
    """Deliveries of the briefing: all, delivered, acknowledged (for its author's page)."""
    return Delivery.objects.filter(briefing=briefing).aggregate(
        total=Count("pk"),
        delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
