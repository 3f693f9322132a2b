"""Computing the interval statistics from the record, idempotently.

`intervals_recompute(start, end)` replaces every row of the 15-minute intervals in
[start, end) with what the record says now: the same record gives the same rows.
`stats_update()` recomputes the intervals touched by the events appended since its cursor,
plus the last two intervals (slow transactions); the server runs it every few seconds
(`reporting.keeper`), the `relais stats` command by hand.

On PostgreSQL several processes may run it: an update holds the cursor's row lock for its
whole transaction, so one process updates at a time and the others skip their turn
(`wait=False`) or wait for it; a recompute takes the same lock to replace its rows, so two
never interleave their deletes and inserts. On SQLite one process writes at a time anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from relais.apps.interactions.models import Contact, ContactEvent
from relais.apps.reporting.models import COUNTERS, SECONDS, IntervalStat, StatsCursor
from relais.apps.reporting.records import (
    AGENT_EVENT_KINDS,
    CONTACT_FIELDS,
    EVENT_FIELDS,
    SpanTracker,
    agent_places,
    contact_records,
    kpi_config,
)
from relais.apps.routing.models import Queue
from relais.core.kpi import (
    Dimension,
    KpiSummary,
    StateSpan,
    from_epoch,
    interval_start,
    summarize_groups,
    to_epoch,
)

logger = logging.getLogger("relais.stats")

INTERVAL_SECONDS = 900
CONTACT_GROUPS = (
    Dimension.QUEUE,
    Dimension.CHANNEL,
    Dimension.AGENT,
    Dimension.SITE,
    Dimension.SITE_KIND,
    Dimension.PARTNER,
    Dimension.TEAM,
)
SPAN_GROUPS = (
    Dimension.AGENT,
    Dimension.SITE,
    Dimension.SITE_KIND,
    Dimension.PARTNER,
    Dimension.TEAM,
)


def floor_interval(moment: dt.datetime) -> dt.datetime:
    return from_epoch(interval_start(to_epoch(moment), INTERVAL_SECONDS))


def ceil_interval(moment: dt.datetime) -> dt.datetime:
    floor = floor_interval(moment)
    return floor if floor == moment else floor + dt.timedelta(seconds=INTERVAL_SECONDS)


def _arrived_between(start: dt.datetime, end: dt.datetime) -> Q:
    queued = Q(queued_at__gte=start, queued_at__lt=end)
    created = Q(queued_at__isnull=True, created_at__gte=start, created_at__lt=end)
    return queued | created


def state_spans(
    start: dt.datetime, end: dt.datetime, tracker: SpanTracker, now: float
) -> list[StateSpan]:
    """Every agent's state spans within [start, end), open ones cut at min(end, now)."""
    lower, upper = to_epoch(start), min(to_epoch(end), now)
    agent_events = ContactEvent.objects.filter(kind__in=AGENT_EVENT_KINDS, agent__isnull=False)
    last_before = agent_events.filter(at__lt=start).values("agent_id").annotate(last=Max("id"))
    for row in ContactEvent.objects.filter(id__in=[entry["last"] for entry in last_before]).values(
        *EVENT_FIELDS
    ):
        tracker.apply_event(row)
    for current in tracker.current.values():
        current.since = max(current.since, lower)
    spans: list[StateSpan] = []
    for row in agent_events.filter(at__gte=start, at__lt=end).order_by("id").values(*EVENT_FIELDS):
        agent = str(row["agent_id"])
        previous = tracker.current.get(agent)
        if tracker.apply_event(row) is not None and previous is not None:
            changed_at = tracker.current[agent].since
            spans.append(
                tracker.span(agent, previous.state, previous.reason, previous.since, changed_at)
            )
    for agent, current in tracker.current.items():
        if upper > current.since:
            spans.append(tracker.span(agent, current.state, current.reason, current.since, upper))
    return spans


def _row(
    key_start: float | None, group: tuple[str | None, ...], summary: KpiSummary, **ids: Any
) -> IntervalStat:
    values = {name: getattr(summary, name) for name in (*COUNTERS, *SECONDS)}
    return IntervalStat(
        interval_start=from_epoch(key_start or 0.0),
        longest_wait_seconds=summary.longest_wait_seconds,
        **ids,
        **values,
    )


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)


def intervals_recompute(
    start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
) -> int:
    """Replace the rows of every interval in [start, end) (widened to whole intervals)."""
    start, end = floor_interval(start), ceil_interval(end)
    now_epoch = to_epoch(now or timezone.now())
    places = agent_places()
    config = kpi_config()
    queues = dict(Queue.objects.values_list("code", "pk"))
    rows = Contact.objects.filter(_arrived_between(start, end)).values(*CONTACT_FIELDS)
    contacts = summarize_groups(
        contact_records(rows.iterator(), places),
        group_by=CONTACT_GROUPS,
        interval_seconds=INTERVAL_SECONDS,
        config=config,
    )
    spans = summarize_groups(
        spans=state_spans(start, end, SpanTracker(places), now_epoch),
        group_by=SPAN_GROUPS,
        interval_seconds=INTERVAL_SECONDS,
        config=config,
    )
    stats: list[IntervalStat] = []
    for key, summary in contacts.items():
        queue, channel, agent, site, kind, partner, team = key.group
        stats.append(
            _row(
                key.interval_start,
                key.group,
                summary,
                queue_id=queues.get(queue or ""),
                channel=channel or "",
                agent_id=_int(agent),
                site_id=_int(site),
                site_kind=kind or "",
                partner_id=_int(partner),
                team_id=_int(team),
            )
        )
    for key, summary in spans.items():
        agent, site, kind, partner, team = key.group
        stats.append(
            _row(
                key.interval_start,
                key.group,
                summary,
                agent_id=_int(agent),
                site_id=_int(site),
                site_kind=kind or "",
                partner_id=_int(partner),
                team_id=_int(team),
            )
        )
    with transaction.atomic():
        _cursor_locked()
        IntervalStat.objects.filter(interval_start__gte=start, interval_start__lt=end).delete()
        IntervalStat.objects.bulk_create(stats, batch_size=500)
    return len(stats)


def _cursor_locked(*, wait: bool = True) -> StatsCursor | None:
    """The cursor's row, locked until the transaction ends (PostgreSQL; SQLite serialises
    writers by itself); None when another transaction holds it and ``wait`` is False."""
    StatsCursor.objects.get_or_create(pk=1)
    return StatsCursor.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


@contextmanager
def _updating(*, wait: bool) -> Iterator[StatsCursor | None]:
    """This process's turn to update: on PostgreSQL one transaction holding the cursor's
    lock; on SQLite no transaction around the reads (IMMEDIATE would block the router)."""
    if connection.vendor != "postgresql":
        yield StatsCursor.objects.get_or_create(pk=1)[0]
        return
    with transaction.atomic():
        yield _cursor_locked(wait=wait)


def _touched_since(cursor: int) -> tuple[dt.datetime | None, int]:
    """The earliest arrival or agent event among events after `cursor`, and the last id."""
    events = ContactEvent.objects.filter(id__gt=cursor)
    last = events.aggregate(last=Max("id"))["last"]
    if last is None:
        return None, cursor
    earliest: list[dt.datetime] = []
    agent_first = events.filter(kind__in=AGENT_EVENT_KINDS).aggregate(first=Min("at"))["first"]
    if agent_first is not None:
        earliest.append(agent_first)
    arrivals = Contact.objects.filter(
        pk__in=events.filter(contact__isnull=False).values("contact_id")
    ).aggregate(queued=Min("queued_at"), created=Min("created_at"))
    earliest += [moment for moment in arrivals.values() if moment is not None]
    return (min(earliest) if earliest else None), last


def stats_update(*, now: dt.datetime | None = None, wait: bool = True) -> tuple[int, int] | None:
    """Bring the interval statistics up to date; returns (intervals recomputed, rows), or
    None when another process is updating them and ``wait`` is False."""
    with _updating(wait=wait) as cursor:
        if cursor is None:
            return None
        now = now or timezone.now()
        since, last = _touched_since(cursor.last_event_id)
        recent = floor_interval(now) - dt.timedelta(seconds=INTERVAL_SECONDS)
        start = recent if since is None else min(since, recent)
        end = ceil_interval(now + dt.timedelta(microseconds=1))
        rows = intervals_recompute(start, end, now=now)
        StatsCursor.objects.filter(pk=1).update(last_event_id=last)
    intervals = int((end - floor_interval(start)).total_seconds() // INTERVAL_SECONDS)
    logger.debug("stats: %d intervals from %s, %d rows, cursor %d", intervals, start, rows, last)
    return intervals, rows


def summary_of(rows: Iterable[IntervalStat]) -> KpiSummary:
    """The merge of stored rows, as the KPI module's summary."""
    total = KpiSummary()
    for row in rows:
        total = total + KpiSummary(
            longest_wait_seconds=row.longest_wait_seconds,
            **{name: getattr(row, name) for name in (*COUNTERS, *SECONDS)},
        )
    return total
