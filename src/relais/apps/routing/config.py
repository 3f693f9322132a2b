"""From database rows to the engine's configuration: sites, queues, agent profiles.

Engine ids are strings: a site is `str(site.pk)`, a partner `str(partner.pk)`, an agent
`str(agent.pk)`, a queue its `code`; a contact is its integer pk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Prefetch, QuerySet

from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent, AgentSkill, OpeningHours, SkillKind
from relais.apps.organisation.models import Site as SiteRow
from relais.apps.routing.errors import ErrorCode
from relais.apps.routing.models import OverflowStep as StepRow
from relais.apps.routing.models import Queue, StepOverride, parse_hours
from relais.core.routing import (
    AgentProfile,
    AllOf,
    AnyOf,
    Channel,
    Exhausted,
    ExhaustedAction,
    OverflowStep,
    QueueConfig,
    Schedule,
    ServiceLevel,
    Site,
    SiteKind,
    SplitShare,
    Strategy,
    Target,
    VolumeSplit,
    WeeklyHours,
    Window,
    weekly,
)

CHANNELS = {channel.name.lower(): channel for channel in Channel}

#: Hours that are never open: a step closed by a supervisor (`AnyOf` of nothing is closed
#: at every moment and never changes).
NEVER: Schedule = AnyOf(())


def engine_site(site: SiteRow) -> Site:
    return Site(
        site_id=str(site.pk),
        kind=SiteKind(site.kind),
        partner=None if site.partner_id is None else str(site.partner_id),
        time_zone=site.time_zone,
    )


def engine_sites() -> list[Site]:
    return [engine_site(site) for site in SiteRow.objects.all()]


def site_schedule(site: SiteRow, periods: Iterable[OpeningHours]) -> Schedule:
    windows = tuple(
        Window(p.weekday, p.opens_at.hour * 60 + p.opens_at.minute, _minutes(p.closes_at))
        for p in periods
    )
    return WeeklyHours(site.time_zone, windows)


def _minutes(moment: object) -> int:
    hour, minute = moment.hour, moment.minute  # type: ignore[attr-defined]
    return 1440 if (hour, minute) == (23, 59) else hour * 60 + minute


def queues_for_engine() -> QuerySet[Queue]:
    return (
        Queue.objects.filter(active=True)
        .select_related("exhausted_queue")
        .prefetch_related(
            "skill_levels__skill",
            Prefetch(
                "overflow_steps",
                queryset=StepRow.objects.order_by("order").prefetch_related(
                    "sites__opening_hours", "partners"
                ),
            ),
            "split_shares",
        )
    )


def engine_queue(queue: Queue) -> QueueConfig:
    """The engine's view of one queue; a configuration it refuses is a RelaisError."""
    try:
        steps = _in_time_order(
            tuple(_engine_step(step) for step in queue.overflow_steps.all()) or (OverflowStep(),)
        )
        hours_specs = parse_hours(queue.time_zone, queue.opening_hours)
        exhausted_queue = queue.exhausted_queue
        return QueueConfig(
            queue_id=queue.code,
            channel=CHANNELS[queue.channel],
            skills={level.skill.code: level.min_level for level in queue.skill_levels.all()},
            language=queue.language or None,
            priority=queue.priority,
            service_level=ServiceLevel(
                queue.service_level_percent / 100, float(queue.service_level_seconds)
            ),
            hours=weekly(queue.time_zone, *hours_specs) if hours_specs else None,
            strategy=Strategy(queue.strategy),
            offer_timeout_s=float(queue.offer_timeout_seconds),
            wrap_up_s=float(queue.wrap_up_seconds),
            steps=steps,
            chats_during_calls=queue.chats_during_calls,
            split=engine_split(queue),
            exhausted=Exhausted(
                ExhaustedAction(queue.exhausted_action),
                float(queue.exhausted_after_seconds),
                None if exhausted_queue is None else exhausted_queue.code,
            ),
        )
    except ValueError as error:
        raise RelaisError(
            ErrorCode.INVALID_CONFIGURATION, details=f"{queue.code}: {error}"
        ) from error


def engine_split(queue: Queue) -> VolumeSplit | None:
    """The queue's volume split, or None when it has no shares (a ValueError if invalid)."""
    shares = tuple(
        SplitShare(
            float(row.percent),
            partner=None if row.partner_id is None else str(row.partner_id),
            site=None if row.site_id is None else str(row.site_id),
        )
        for row in queue.split_shares.all()
    )
    if not shares:
        return None
    return VolumeSplit(
        shares,
        wait_bound_s=float(queue.split_wait_bound_seconds),
        window=queue.split_window_contacts,
        tolerance_pct=float(queue.split_tolerance_points),
    )


def _in_time_order(steps: tuple[OverflowStep, ...]) -> tuple[OverflowStep, ...]:
    """A step opened now brings the steps before it forward too: steps widen in order (a
    contact at step k is served by every open step up to k), so a step is reached no later
    than the ones after it."""
    ordered = list(steps)
    for index in range(len(ordered) - 2, -1, -1):
        later = ordered[index + 1].after_s
        if ordered[index].after_s > later:
            ordered[index] = replace(ordered[index], after_s=later)
    return tuple(ordered)


def _engine_step(step: StepRow) -> OverflowStep:
    """The engine's step; a supervisor's override wins over its delay and hours: open, its
    targets are eligible for every contact of the queue (at 0 s, always open); closed, never
    (hours never open, and not skipped, so that the later steps keep their own delays)."""
    sites = list(step.sites.all())
    target = Target(
        sites=frozenset(str(site.pk) for site in sites),
        partners=frozenset(str(partner.pk) for partner in step.partners.all()),
        site_kinds=frozenset(SiteKind(kind) for kind in step.site_kinds or ()),
        internal=step.internal,
    )
    levels = None if step.relaxed_levels is None else dict(step.relaxed_levels)
    if step.override == StepOverride.OPEN:
        return OverflowStep(
            after_s=0.0,
            target=target,
            skill_levels=levels,
            hours=None,
            skip_if_empty=step.skip_if_empty,
        )
    if step.override == StepOverride.CLOSED:
        return OverflowStep(
            after_s=float(step.after_seconds),
            target=target,
            skill_levels=levels,
            hours=NEVER,
            skip_if_empty=False,
        )
    parts: list[Schedule] = []
    specs = parse_hours(step.hours_time_zone, step.hours)
    if specs:
        parts.append(weekly(step.hours_time_zone, *specs))
    if step.within_site_hours and sites:
        site_hours = tuple(site_schedule(site, site.opening_hours.all()) for site in sites)
        parts.append(site_hours[0] if len(site_hours) == 1 else AnyOf(site_hours))
    hours: Schedule | None = None
    if parts:
        hours = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
    return OverflowStep(
        after_s=float(step.after_seconds),
        target=target,
        skill_levels=levels,
        hours=hours,
        skip_if_empty=step.skip_if_empty,
    )


def engine_queues() -> list[QueueConfig]:
    return [engine_queue(queue) for queue in queues_for_engine()]


def agents_for_engine() -> QuerySet[Agent]:
    return Agent.objects.filter(active=True).prefetch_related(
        Prefetch("skill_levels", queryset=AgentSkill.objects.select_related("skill"))
    )


def agent_profile(agent: Agent) -> AgentProfile:
    levels = list(agent.skill_levels.all())
    voice = agent.capacity_voice
    return AgentProfile(
        agent_id=str(agent.pk),
        site_id=str(agent.site_id),
        skills={level.skill.code: level.level for level in levels},
        languages=frozenset(
            level.skill.code for level in levels if level.skill.kind == SkillKind.LANGUAGE
        ),
        capacity={
            Channel.VOICE: voice,
            Channel.CALLBACK: voice,
            Channel.OUTBOUND: voice,
            Channel.CHAT: agent.capacity_chat,
            Channel.EMAIL: agent.capacity_email,
        },
    )
