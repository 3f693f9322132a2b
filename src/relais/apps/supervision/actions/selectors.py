"""Reads behind supervisors' actions, through the viewer's scope (docs/supervision.md).

Who may act: an agent's state, their supervisor or an administrator (the interactions
services' rule), on agents of the viewer's scope; queue priorities and overflow steps,
administrators and directors only (`router.access.may_steer`: they move traffic between
sites and companies); broadcasts, supervisors (to their teams), partner managers, directors
and administrators (`may_broadcast`), to targets of their scope. What an action may target
follows `scope_for`: outside it, not found; a visible queue the viewer may not steer: 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import BreakReason
from relais.apps.organisation.models import Agent
from relais.apps.organisation.scoping import scope_for
from relais.apps.organisation.selectors import agent_list, partner_list, site_list, team_list
from relais.apps.router.access import may_steer
from relais.apps.routing.models import OverflowStep, Queue
from relais.apps.supervision.access import require_supervision
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.models import Broadcast, BroadcastTarget

BROADCASTING_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DIRECTOR, Role.SUPERVISOR, Role.PARTNER_MANAGER}
)


def _in_roles(viewer: Any, roles: frozenset[str]) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False)
        and (viewer.is_superuser or getattr(viewer, "role", "") in roles)
    )


def may_broadcast(viewer: Any) -> bool:
    return _in_roles(viewer, BROADCASTING_ROLES)


def queue_list(*, viewer: Any) -> QuerySet[Queue]:
    """Queues with their steps and overrides (the client's configuration, readable by every
    supervisor; only `may_steer` changes them)."""
    require_supervision(viewer)
    return Queue.objects.filter(active=True).prefetch_related(
        "overflow_steps__partners", "overflow_steps__sites", "overflow_steps__override_by"
    )


def _get[M: Model](queryset: QuerySet[M], pk: int, kind: object) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise RelaisError(AccountsErrorCode.NOT_FOUND, kind=kind)
    return found


def queue_get(*, viewer: Any, queue_id: int) -> Queue:
    return _get(queue_list(viewer=viewer), queue_id, Queue._meta.verbose_name)


def step_get(*, viewer: Any, step_id: int) -> OverflowStep:
    require_supervision(viewer)
    return _get(
        OverflowStep.objects.select_related("queue"), step_id, OverflowStep._meta.verbose_name
    )


def supervised_agent_get(*, viewer: Any, agent_id: int) -> Agent:
    require_supervision(viewer)
    return _get(agent_list(viewer=viewer), agent_id, Agent._meta.verbose_name)


def broadcast_list(*, viewer: Any) -> QuerySet[Broadcast]:
    """Broadcasts to targets in the viewer's scope (its sender's among them)."""
    require_supervision(viewer)
    scope = scope_for(viewer)
    broadcasts = Broadcast.objects.select_related("sent_by")
    if scope.everything:
        return broadcasts
    agents = set(agent_list(viewer=viewer).values_list("pk", flat=True))
    keep = [b.pk for b in broadcasts if agents.intersection(b.recipients) or b.sent_by == viewer]
    return broadcasts.filter(pk__in=keep)


def broadcast_target(*, viewer: Any, target_kind: str, target_id: int) -> tuple[str, list[int]]:
    """The target's name and its active agents, if it is in the viewer's scope (a supervisor
    broadcasts to their teams only); else `unknown_target`."""
    agents = Agent.objects.filter(active=True)
    role = getattr(viewer, "role", "")
    if target_kind == BroadcastTarget.TEAM:
        team = team_list(viewer=viewer).filter(pk=target_id).first()
        if team is not None:
            return team.name, list(agents.filter(team=team).values_list("pk", flat=True))
    elif target_kind == BroadcastTarget.SITE and role != Role.SUPERVISOR:
        site = site_list(viewer=viewer).filter(pk=target_id).first()
        if site is not None:
            return site.name, list(agents.filter(site=site).values_list("pk", flat=True))
    elif target_kind == BroadcastTarget.PARTNER and role != Role.SUPERVISOR:
        partner = partner_list(viewer=viewer).filter(pk=target_id).first()
        if partner is not None:
            members = agents.filter(site__partner=partner)
            return partner.name, list(members.values_list("pk", flat=True))
    known = target_kind in BroadcastTarget.values
    kind = BroadcastTarget(target_kind).label if known else target_kind
    raise RelaisError(ErrorCode.UNKNOWN_TARGET, kind=kind)


def wallboard_forms(*, viewer: Any) -> dict[str, Any]:
    """What the wallboard's forms offer the viewer: queues and their steps to steer (those
    who may steer: administrators, directors), targets of a broadcast (a supervisor: their
    teams), break reasons; each list through its own scoped selector."""
    steering = may_steer(viewer)
    whole = getattr(viewer, "role", "") != Role.SUPERVISOR
    return {
        "steering": steering,
        "queues": queue_list(viewer=viewer) if steering else [],
        "teams": team_list(viewer=viewer),
        "sites": site_list(viewer=viewer) if whole else [],
        "partners": partner_list(viewer=viewer) if whole else [],
        "break_reasons": BreakReason.choices,
    }
