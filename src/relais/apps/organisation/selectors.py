"""Reads of the organisation, always through the viewer's scope (outside it: not found)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, Q, QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent, AgentSkill, Partner, Site, Skill, Team
from relais.apps.organisation.scoping import Scope, scope_for


def _site_filter(scope: Scope, prefix: str = "") -> Q:
    """The sites a scope reaches; `prefix` points from another model to its site."""
    if scope.everything:
        return Q()
    if scope.partner_id is not None:
        return Q(**{f"{prefix}partner_id": scope.partner_id})
    if scope.team_ids:
        return Q(**{f"{prefix}teams__id__in": scope.team_ids})
    if scope.agent_id is not None:
        return Q(**{f"{prefix}agents__id": scope.agent_id})
    return Q(pk__in=[])


def partner_list(*, viewer: Any) -> QuerySet[Partner]:
    scope = scope_for(viewer)
    if scope.everything:
        return Partner.objects.all()
    sites = site_list(viewer=viewer).exclude(partner__isnull=True).values("partner_id")
    return Partner.objects.filter(id__in=sites)


def site_list(*, viewer: Any) -> QuerySet[Site]:
    scope = scope_for(viewer)
    sites = Site.objects.select_related("partner").prefetch_related("opening_hours")
    if scope.everything:
        return sites
    return sites.filter(id__in=Site.objects.filter(_site_filter(scope)).values("id"))


def team_list(*, viewer: Any) -> QuerySet[Team]:
    scope = scope_for(viewer)
    teams = Team.objects.select_related("site").prefetch_related("supervisors")
    if scope.everything:
        return teams
    if scope.partner_id is not None:
        return teams.filter(site__partner_id=scope.partner_id)
    if scope.team_ids:
        return teams.filter(id__in=scope.team_ids)
    if scope.agent_id is not None:
        return teams.filter(agents__id=scope.agent_id)
    return teams.none()


def agent_filter(scope: Scope, prefix: str = "") -> Q:
    """The agents a scope reaches; `prefix` points from another model to its agent."""
    if scope.everything:
        return Q()
    if scope.partner_id is not None:
        return Q(**{f"{prefix}site__partner_id": scope.partner_id})
    if scope.team_ids:
        return Q(**{f"{prefix}team_id__in": scope.team_ids})
    if scope.agent_id is not None:
        return Q(**{f"{prefix}id": scope.agent_id})
    return Q(pk__in=[])


def agent_list(*, viewer: Any) -> QuerySet[Agent]:
    agents = Agent.objects.select_related("user", "site", "site__partner").prefetch_related(
        Prefetch("skill_levels", queryset=AgentSkill.objects.select_related("skill"))
    )
    return agents.filter(agent_filter(scope_for(viewer)))


def skill_list(*, viewer: Any) -> QuerySet[Skill]:
    """Skills are reference data: every signed-in person may read them."""
    if not getattr(viewer, "is_authenticated", False):
        return Skill.objects.none()
    return Skill.objects.all()


def _get[M: Model](queryset: QuerySet[M], pk: int) -> M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=queryset.model._meta.verbose_name) from missing


def partner_get(*, viewer: Any, partner_id: int) -> Partner:
    return _get(partner_list(viewer=viewer), partner_id)


def site_get(*, viewer: Any, site_id: int) -> Site:
    return _get(site_list(viewer=viewer), site_id)


def team_get(*, viewer: Any, team_id: int) -> Team:
    return _get(team_list(viewer=viewer), team_id)


def agent_get(*, viewer: Any, agent_id: int) -> Agent:
    return _get(agent_list(viewer=viewer), agent_id)


def skill_get(*, viewer: Any, skill_id: int) -> Skill:
    return _get(skill_list(viewer=viewer), skill_id)
