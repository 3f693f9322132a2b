"""Requested, committed and delivered staffing per interval: the figures of a request's day.

Selectors: callers pass a request they got through `request_selectors.staffing_request_get`
(the viewer's scope is checked there). The monthly statements and the volume split rules read
the same figures through `staffing_day` and `staffing_period`.

- **requested**: the agents of the newest *frozen* version holding the interval, else of the
  newest publication (`staffing_requests`);
- **committed**: the partner's latest answer for the interval;
- **delivered** (`relais.core.wfm.delivery`): from the `agent.state_changed` log of the
  partner's agents able to take the queue (every required skill at its minimum level), and
  the queue's contacts answered on the partner's sites.

Deviations: *under-committed* when committed < requested; *not committed* when requested
with no answer; *under-delivered* when the mean agents logged in < committed (measured
intervals only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.wfm.models import (
    CommittedInterval,
    RequestedInterval,
    RequestKind,
    StaffingRequest,
)
from relais.apps.wfm.selectors import state_change_list
from relais.core.wfm.delivery import AnsweredContact, IntervalDelivery, delivery_by_interval

DEFAULT_THRESHOLD_S = 20


@dataclass(frozen=True, slots=True)
class StaffingRow:
    start: datetime
    interval_minutes: int
    requested: int | None
    requested_version: int | None
    committed: int | None
    delivered: IntervalDelivery

    @property
    def not_committed(self) -> bool:
        return self.requested is not None and self.committed is None

    @property
    def under_committed(self) -> bool:
        return (
            self.requested is not None
            and self.committed is not None
            and self.committed < self.requested
        )

    @property
    def under_delivered(self) -> bool:
        logged_in = self.delivered.agents_logged_in
        return self.committed is not None and logged_in is not None and logged_in < self.committed

    def hours(self, agents: int | None) -> float:
        return (agents or 0) * self.interval_minutes / 60


@dataclass(frozen=True, slots=True)
class StaffingDay:
    request: StaffingRequest
    day: date
    rows: list[StaffingRow]

    @property
    def under_committed(self) -> int:
        return sum(row.under_committed for row in self.rows)

    @property
    def not_committed(self) -> int:
        return sum(row.not_committed for row in self.rows)

    @property
    def under_delivered(self) -> int:
        return sum(row.under_delivered for row in self.rows)

    @property
    def deviations(self) -> int:
        return self.under_committed + self.not_committed + self.under_delivered

    @property
    def requested_hours(self) -> float:
        return sum(row.hours(row.requested) for row in self.rows)

    @property
    def committed_hours(self) -> float:
        return sum(row.hours(row.committed) for row in self.rows)

    @property
    def productive_hours(self) -> float:
        return sum(row.delivered.productive_hours or 0.0 for row in self.rows)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to local midnight of ``day`` in the active time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def requested_by_interval(
    *, request: StaffingRequest, start: datetime, end: datetime
) -> dict[datetime, RequestedInterval]:
    """The binding requested interval of every start in [start, end) (see the module)."""
    rows = RequestedInterval.objects.filter(
        version__request=request, start__gte=start, start__lt=end
    ).select_related("version")
    binding: dict[datetime, RequestedInterval] = {}
    for row in rows:
        current = binding.get(row.start)
        if current is None or _rank(row) > _rank(current):
            binding[row.start] = row
    return dict(sorted(binding.items()))


def _rank(row: RequestedInterval) -> tuple[bool, int]:
    return (row.version.kind != RequestKind.PUBLISHED, row.version.number)


def committed_by_interval(
    *, request: StaffingRequest, start: datetime, end: datetime
) -> dict[datetime, int]:
    rows = CommittedInterval.objects.filter(request=request, start__gte=start, start__lt=end)
    return dict(rows.values_list("start", "agents"))


def queue_agent_ids(*, request: StaffingRequest) -> list[int]:
    """The partner's agents able to take the request's queue (every skill at its level)."""
    agents = Agent.objects.filter(site__partner_id=request.partner_id)
    queue = Queue.objects.filter(code=request.queue).prefetch_related("skill_levels").first()
    for required in queue.skill_levels.all() if queue else ():
        agents = agents.filter(
            skill_levels__skill_id=required.skill_id, skill_levels__level__gte=required.min_level
        )
    return sorted(agents.values_list("pk", flat=True).distinct())


def answered_contact_list(
    *, request: StaffingRequest, start: datetime, end: datetime
) -> list[AnsweredContact]:
    """The queue's contacts arrived in [start, end) and answered on the partner's sites."""
    rows = Contact.objects.filter(
        queue__code=request.queue,
        site__partner_id=request.partner_id,
        created_at__gte=start,
        created_at__lt=end,
        accepted_at__isnull=False,
    ).values_list("created_at", "queued_at", "accepted_at")
    contacts = []
    for created, queued, accepted in rows:
        arrived = queued or created
        waited = (accepted - arrived).total_seconds() if accepted else 0.0
        contacts.append(AnsweredContact(arrived, max(0.0, waited)))
    return contacts


def delivered_by_interval(
    *, request: StaffingRequest, starts: list[datetime], interval: timedelta, now: datetime
) -> list[IntervalDelivery]:
    if not starts:
        return []
    first, last = starts[0], starts[-1] + interval
    queue = Queue.objects.filter(code=request.queue).first()
    threshold = queue.service_level_seconds if queue else DEFAULT_THRESHOLD_S
    log = state_change_list(agent_ids=queue_agent_ids(request=request), start=first, end=last)
    contacts = answered_contact_list(request=request, start=first, end=last)
    return delivery_by_interval(
        starts, interval, log, contacts, threshold_seconds=threshold, now=now
    )


def staffing_period(
    *, request: StaffingRequest, start: datetime, end: datetime, now: datetime | None = None
) -> list[StaffingRow]:
    """Requested, committed and delivered per requested interval in [start, end)."""
    moment = now or timezone.now()
    requested = requested_by_interval(request=request, start=start, end=end)
    committed = committed_by_interval(request=request, start=start, end=end)
    starts = sorted(requested.keys() | committed.keys())
    minutes = next(iter(requested.values())).interval_minutes if requested else 30
    delivered = delivered_by_interval(
        request=request, starts=starts, interval=timedelta(minutes=minutes), now=moment
    )
    return [
        StaffingRow(
            start=start_at,
            interval_minutes=minutes,
            requested=requested[start_at].agents if start_at in requested else None,
            requested_version=requested[start_at].version.number if start_at in requested else None,
            committed=committed.get(start_at),
            delivered=delivery,
        )
        for start_at, delivery in zip(starts, delivered, strict=True)
    ]


def staffing_day(
    *, request: StaffingRequest, day: date, now: datetime | None = None
) -> StaffingDay:
    start, end = day_bounds(day)
    return StaffingDay(
        request, day, staffing_period(request=request, start=start, end=end, now=now)
    )


def staffing_days(
    *, requests: Iterable[StaffingRequest], day: date, now: datetime | None = None
) -> list[StaffingDay]:
    return [staffing_day(request=request, day=day, now=now) for request in requests]
