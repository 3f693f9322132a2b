"""Writes of the staffing requests: the client publishes, horizons freeze, the partner commits.

- **publish** (planners, directors, administrators): a staffing plan of a partner's site
  becomes a new version of the request (partner, queue): its *agents on the phones* per
  interval. Every publication is a version; none is ever changed.
- **freeze**: the days a horizon reaches (M-1: 30 days ahead, W-1: 7, D-1: 1) are copied from
  the newest publication into a frozen version, once per horizon and day, the tightest horizon
  reached first; run on every publication, whenever the page is read and by
  `relais freeze_staffing_requests` (a cron line or the operator).
- **commit** (the partner's manager, for its own partner only): a whole headcount ≥ 0 per
  interval of the request; one bad value refuses the whole form and saves nothing.

Each write is audited in its own transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from relais.apps.accounts.errors import ErrorCode as AccountsErrorCode
from relais.apps.accounts.models import Role, User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.wfm import request_selectors
from relais.apps.wfm.errors import ErrorCode
from relais.apps.wfm.models import (
    CommittedInterval,
    RequestedInterval,
    RequestKind,
    StaffingPlan,
    StaffingRequest,
    StaffingRequestVersion,
)

#: Horizons, tightest first: the kind of the frozen version and how many days ahead it freezes.
HORIZONS: tuple[tuple[RequestKind, int], ...] = (
    (RequestKind.FROZEN_D1, 1),
    (RequestKind.FROZEN_W1, 7),
    (RequestKind.FROZEN_M1, 30),
)
#: A headcount as typed: digits only, at most five (99,999 agents).
_WHOLE = re.compile(r"[0-9]{1,5}")


def staffing_request_publish(*, actor: User, plan: StaffingPlan) -> StaffingRequestVersion:
    """A new version of the request of ``plan``'s partner and queue, from its intervals."""
    if not request_selectors.can_publish(actor):
        raise RelaisError(ErrorCode.PUBLISH_NOT_ALLOWED)
    partner = plan.site.partner
    if partner is None:
        raise RelaisError(ErrorCode.SITE_WITHOUT_PARTNER, site=plan.site.name)
    rows = list(plan.rows.order_by("start"))
    if not rows:
        raise RelaisError(ErrorCode.EMPTY_STAFFING_PLAN)
    now = timezone.now()
    minutes = plan.forecast.interval_minutes
    with transaction.atomic():
        request, _created = StaffingRequest.objects.get_or_create(
            partner=partner, queue=plan.forecast.queue, defaults={"created_at": now}
        )
        request = StaffingRequest.objects.select_for_update().get(pk=request.pk)
        version = _new_version(request, RequestKind.PUBLISHED, actor, now, plan=plan)
        RequestedInterval.objects.bulk_create(
            RequestedInterval(
                version=version,
                start=row.start,
                interval_minutes=minutes,
                agents=row.required_agents,
            )
            for row in rows
        )
        audit_record(
            actor=actor,
            action="wfm.staffing_request.publish",
            obj=version,
            changes={
                "partner": partner.name,
                "queue": request.queue,
                "staffing_plan": plan.pk,
                "version": version.number,
                "intervals": len(rows),
            },
        )
        _freeze(request, now, actor)
    return version


def _new_version(
    request: StaffingRequest,
    kind: str,
    actor: User | None,
    now: datetime,
    plan: StaffingPlan | None = None,
) -> StaffingRequestVersion:
    last = request.versions.aggregate(last=Max("number"))["last"] or 0
    return StaffingRequestVersion.objects.create(
        request=request,
        number=last + 1,
        kind=kind,
        staffing_plan=plan,
        created_by=actor,
        created_at=now,
    )


def _horizon_reached(day: date, today: date) -> RequestKind | None:
    for kind, days_ahead in HORIZONS:
        if day <= today + timedelta(days=days_ahead):
            return kind
    return None


def _tighter_or_same(kind: str) -> set[str]:
    kinds = [k for k, _days in HORIZONS]
    return set(kinds[: kinds.index(RequestKind(kind)) + 1])


def _freeze(
    request: StaffingRequest, now: datetime, actor: User | None
) -> list[StaffingRequestVersion]:
    """Frozen versions for the days of ``request`` a horizon reached since the last freeze."""
    published = request.versions.filter(kind=RequestKind.PUBLISHED).order_by("-number").first()
    if published is None:
        return []
    today = timezone.localdate(now)
    frozen: dict[str, set[date]] = defaultdict(set)
    for kind, start in (
        RequestedInterval.objects.filter(version__request=request)
        .exclude(version__kind=RequestKind.PUBLISHED)
        .values_list("version__kind", "start")
    ):
        frozen[kind].add(timezone.localdate(start))
    to_freeze: dict[RequestKind, list[RequestedInterval]] = defaultdict(list)
    for interval in published.intervals.order_by("start"):
        day = timezone.localdate(interval.start)
        reached = _horizon_reached(day, today)
        if reached is None or any(day in frozen[k] for k in _tighter_or_same(reached)):
            continue
        to_freeze[reached].append(interval)
    versions = []
    for kind, _days in reversed(HORIZONS):
        if not to_freeze.get(kind):
            continue
        version = _new_version(request, kind, actor, now)
        RequestedInterval.objects.bulk_create(
            RequestedInterval(
                version=version,
                start=row.start,
                interval_minutes=row.interval_minutes,
                agents=row.agents,
            )
            for row in to_freeze[kind]
        )
        days = sorted({timezone.localdate(row.start).isoformat() for row in to_freeze[kind]})
        audit_record(
            actor=actor,
            action="wfm.staffing_request.freeze",
            obj=version,
            changes={"horizon": kind.value, "from_version": published.number, "days": days},
        )
        versions.append(version)
    return versions


def staffing_requests_freeze(*, now: datetime | None = None) -> list[StaffingRequestVersion]:
    """Freeze every request whose days a horizon has reached (the job; idempotent)."""
    moment = now or timezone.now()
    versions: list[StaffingRequestVersion] = []
    for request_id in StaffingRequest.objects.values_list("pk", flat=True):
        with transaction.atomic():
            request = StaffingRequest.objects.select_for_update().get(pk=request_id)
            versions += _freeze(request, moment, None)
    return versions


def _whole(value: object, start: datetime) -> int:
    text = str(value).strip()
    if not _WHOLE.fullmatch(text):  # refuses "-1", "2.5", "", "x", "1e3"
        raise RelaisError(
            ErrorCode.COMMITMENT_NOT_WHOLE,
            interval=timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
            value=text,
        )
    return int(text)


def staffing_commitment_save(
    *, actor: User, request: StaffingRequest, headcounts: Mapping[datetime, object]
) -> list[CommittedInterval]:
    """The partner's committed headcount for intervals of ``request`` (all or nothing)."""
    if actor.role != Role.PARTNER_MANAGER or actor.is_superuser:
        raise RelaisError(ErrorCode.COMMIT_NOT_ALLOWED)
    if actor.partner_id != request.partner_id:
        raise RelaisError(AccountsErrorCode.NOT_FOUND, kind=StaffingRequest._meta.verbose_name)
    if not headcounts:
        raise RelaisError(ErrorCode.COMMITMENT_EMPTY)
    requested = set(
        RequestedInterval.objects.filter(version__request=request).values_list("start", flat=True)
    )
    values: dict[datetime, int] = {}
    for start, value in sorted(headcounts.items()):
        if start not in requested:
            raise RelaisError(
                ErrorCode.COMMITMENT_UNKNOWN_INTERVAL,
                interval=timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
            )
        values[start] = _whole(value, start)
    now = timezone.now()
    with transaction.atomic():
        before = {
            row.start: row
            for row in CommittedInterval.objects.select_for_update().filter(
                request=request, start__in=list(values)
            )
        }
        changes: dict[str, list[int | None]] = {}
        saved = []
        for start, agents in values.items():
            row = before.get(start)
            if row is not None and row.agents == agents:
                saved.append(row)
                continue
            changes[start.isoformat()] = [None if row is None else row.agents, agents]
            if row is None:
                row = CommittedInterval(request=request, start=start)
            row.agents, row.committed_by, row.committed_at = agents, actor, now
            row.save()
            saved.append(row)
        if changes:
            audit_record(
                actor=actor,
                action="wfm.staffing_commitment.save",
                obj=request,
                changes={"partner": request.partner.name, "queue": request.queue, **changes},
            )
    return saved
