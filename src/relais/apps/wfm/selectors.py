"""Reads of the planning, always through the viewer's scope (outside it: not found).

Planners, administrators, directors (and quality analysts, read-only) see every site; a
partner manager sees and plans their partner's sites; a supervisor reads their teams'
sites; an agent sees only their own shifts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, QuerySet

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.organisation import selectors as organisation
from relais.apps.organisation.models import Agent, Site
from relais.apps.organisation.scoping import scope_for
from relais.apps.routing.models import Queue
from relais.apps.routing.selectors import queue_list
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.models import (
    ForecastRun,
    Schedule,
    ScheduledShift,
    ScheduleSolve,
    StaffingPlan,
)
from relais.core.wfm.adherence import StateChange

#: Roles that may create forecasts, staffing plans and schedules (on the sites they see).
PLANNING_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTOR, Role.PLANNER, Role.PARTNER_MANAGER})
#: Roles that read plans of the sites they see; agents read only their own shifts.
READING_ROLES = PLANNING_ROLES | {Role.SUPERVISOR, Role.QUALITY_ANALYST}


def _role(viewer: Any) -> str | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return Role.ADMINISTRATOR if viewer.is_superuser else viewer.role


def can_plan(viewer: Any) -> bool:
    return _role(viewer) in PLANNING_ROLES


def planning_site_list(*, viewer: Any) -> QuerySet[Site]:
    """Sites whose plans the viewer reads (agents: none, see ``my_shift_list``)."""
    if _role(viewer) not in READING_ROLES:
        return Site.objects.none()
    return organisation.site_list(viewer=viewer).filter(active=True)


def _get[M: Model](queryset: QuerySet[M], pk: int) -> M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise RelaisError(
            AccountsErrorCode.NOT_FOUND, kind=queryset.model._meta.verbose_name
        ) from missing


def planning_site_get(*, viewer: Any, site_id: int) -> Site:
    return _get(planning_site_list(viewer=viewer), site_id)


def plannable_site_get(*, viewer: Any, site_id: int) -> Site:
    """A site the viewer may plan: 404 outside their scope, 403 if they only read it."""
    site = planning_site_get(viewer=viewer, site_id=site_id)
    if not can_plan(viewer):
        raise RelaisError(ErrorCode.PLANNING_NOT_ALLOWED)
    return site


def site_by_name(*, viewer: Any, name: str) -> Site:
    site = planning_site_list(viewer=viewer).filter(name=name).first()
    if site is None:
        raise RelaisError(AccountsErrorCode.NOT_FOUND, kind=Site._meta.verbose_name)
    return site


def forecast_run_list(*, viewer: Any) -> QuerySet[ForecastRun]:
    return ForecastRun.objects.select_related("site", "created_by").filter(
        site__in=planning_site_list(viewer=viewer)
    )


def forecast_run_get(*, viewer: Any, run_id: int) -> ForecastRun:
    return _get(forecast_run_list(viewer=viewer), run_id)


def staffing_plan_list(*, viewer: Any) -> QuerySet[StaffingPlan]:
    return StaffingPlan.objects.select_related("site", "forecast", "created_by").filter(
        site__in=planning_site_list(viewer=viewer)
    )


def staffing_plan_get(*, viewer: Any, plan_id: int) -> StaffingPlan:
    return _get(staffing_plan_list(viewer=viewer), plan_id)


def latest_staffing_plan(*, site: Site, start: datetime, end: datetime) -> StaffingPlan | None:
    """The newest plan of ``site`` with rows in ``[start, end)`` (caller checked the scope)."""
    return (
        StaffingPlan.objects.filter(site=site, rows__start__gte=start, rows__start__lt=end)
        .order_by("-created_at", "-id")
        .first()
    )


def schedule_list(*, viewer: Any) -> QuerySet[Schedule]:
    """Schedules touching a site in scope; an agent's: those where they have a shift."""
    schedules = Schedule.objects.prefetch_related("sites")
    if _role(viewer) == Role.AGENT:
        agent = getattr(viewer, "agent", None)
        return schedules.filter(shifts__agent=agent).distinct() if agent else schedules.none()
    return schedules.filter(sites__in=planning_site_list(viewer=viewer)).distinct()


def schedule_get(*, viewer: Any, schedule_id: int) -> Schedule:
    return _get(schedule_list(viewer=viewer), schedule_id)


def schedule_solve_list(*, viewer: Any) -> QuerySet[ScheduleSolve]:
    """Solves whose every site the viewer reads (a failed one may name them all)."""
    if _role(viewer) not in READING_ROLES:
        return ScheduleSolve.objects.none()
    outside = Site.objects.exclude(pk__in=planning_site_list(viewer=viewer).values("pk"))
    return (
        ScheduleSolve.objects.exclude(sites__in=outside)
        .select_related("schedule")
        .prefetch_related("sites")
    )


def schedule_solve_get(*, viewer: Any, solve_id: int) -> ScheduleSolve:
    return _get(schedule_solve_list(viewer=viewer), solve_id)


def shift_list(*, viewer: Any, schedule: Schedule) -> QuerySet[ScheduledShift]:
    """Shifts of ``schedule`` the viewer may see: on their sites, or their own (agents)."""
    shifts = ScheduledShift.objects.filter(schedule=schedule).select_related("agent__user", "site")
    if _role(viewer) == Role.AGENT:
        return shifts.filter(agent=getattr(viewer, "agent", None))
    return shifts.filter(site__in=planning_site_list(viewer=viewer))


def schedule_site_list(*, viewer: Any, schedule: Schedule) -> list[Site]:
    visible = set(planning_site_list(viewer=viewer).values_list("id", flat=True))
    if _role(viewer) == Role.AGENT:
        visible = {getattr(getattr(viewer, "agent", None), "site_id", None)} - {None}  # type: ignore[assignment]
    return [site for site in schedule.sites.order_by("name") if site.pk in visible]


def my_shift_list(*, viewer: Any) -> QuerySet[ScheduledShift]:
    """The viewer's own shifts, newest schedule first (anyone who is an agent)."""
    agent = getattr(viewer, "agent", None) if getattr(viewer, "is_authenticated", False) else None
    if agent is None:
        return ScheduledShift.objects.none()
    return (
        ScheduledShift.objects.filter(agent=agent)
        .select_related("site", "schedule")
        .order_by("-schedule__created_at", "start")
    )


def schedulable_agent_list(*, site: Site) -> QuerySet[Agent]:
    """Active agents of a site the caller may plan, with their skills."""
    return (
        Agent.objects.filter(site=site, active=True)
        .select_related("user")
        .prefetch_related(Prefetch("skills"))
        .order_by("id")
    )


def state_change_list(*, agent_ids: list[int], start: datetime, end: datetime) -> list[StateChange]:
    """The agents' states from the event log: the last one before ``start`` and those after.

    The router writes ``agent.state_changed`` with ``{"state", "reason"}``, including the
    ``disconnected`` state of an agent whose desktop connection was lost past the grace
    (adherence counts it as no activity); callers have already checked that the viewer sees
    these agents.
    """
    events = ContactEvent.objects.filter(
        kind=EventKind.AGENT_STATE_CHANGED, agent_id__in=agent_ids, at__lt=end
    )
    changes: list[StateChange] = []
    for agent_id in agent_ids:
        before = events.filter(agent_id=agent_id, at__lt=start).order_by("-at", "-id").first()
        rows = list(events.filter(agent_id=agent_id, at__gte=start).order_by("at", "id"))
        for event in ([before] if before else []) + rows:
            changes.append(
                StateChange(
                    agent_id=str(agent_id),
                    at=event.at,
                    state=str(event.data.get("state", "offline")),
                    reason=event.data.get("reason") or None,
                )
            )
    return changes


def forecast_queue_list(*, viewer: Any) -> QuerySet[Queue]:
    """The queues a planner may forecast (every queue is readable; by name)."""
    return queue_list(viewer=viewer).filter(active=True).order_by("code")


def queue_contact_times(
    *, viewer: Any, queue: Queue, site: Site, start: datetime, end: datetime
) -> list[tuple[datetime, float | None]]:
    """Contacts of ``queue`` created in [start, end): arrival and handling seconds.

    A viewer who sees the whole organisation (and the command line, ``viewer=None``) reads the
    queue's whole demand; a partner manager only the contacts answered on ``site``."""
    contacts = Contact.objects.filter(queue=queue, created_at__gte=start, created_at__lt=end)
    if viewer is not None and not scope_for(viewer).everything:
        contacts = contacts.filter(site=site)
    rows = contacts.values_list("created_at", "accepted_at", "wrap_up_at", "closed_at")
    times: list[tuple[datetime, float | None]] = []
    for created, accepted, wrap_up, closed in rows:
        ended = closed or wrap_up
        seconds = (ended - accepted).total_seconds() if accepted and ended else None
        times.append((created, seconds))
    return times
