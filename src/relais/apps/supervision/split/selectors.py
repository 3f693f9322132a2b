"""Target against actual share of each split queue's groups (partners, sites), scoped.

Live: the queue's last `split_window_contacts` answered contacts, the window the router
balances over (the router counts offers: an offer declined and offered again counts once
more there). Historical: the contacts answered in each 15- or 30-minute interval of a day
(the queue's time zone), from the contact record. A viewer sees the lines of the groups
whose sites they may see: everything for the organisation's roles; a partner manager only
their own partner's (or their own sites') line and its target, never another group's name
or figures; a supervisor the groups of their teams' sites.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Site as SiteRow
from relais.apps.organisation.selectors import site_list
from relais.apps.routing.config import engine_site, engine_split
from relais.apps.routing.models import Queue, SplitShare
from relais.core.routing import VolumeSplit
from relais.core.routing.split import OUTSIDE, group_of, offers_by_interval

INTERVAL_MINUTES = (15, 30)


@dataclass(frozen=True)
class ShareLine:
    group: str  # the partner's or the site's name
    target_percent: float
    actual_percent: float | None  # None: no contact answered
    contacts: int


@dataclass(frozen=True)
class SplitInterval:
    start: dt.datetime
    lines: list[ShareLine]


@dataclass(frozen=True)
class QueueSplit:
    queue: Queue
    window_contacts: int
    live: list[ShareLine]
    intervals: list[SplitInterval]


def split_report(*, viewer: Any, day: dt.date, interval_minutes: int = 30) -> list[QueueSplit]:
    """Every active split queue with a group the viewer may see, and those lines only."""
    if interval_minutes not in INTERVAL_MINUTES:
        raise ValueError(interval_minutes)
    visible = {site.pk: site for site in site_list(viewer=viewer)}
    partners = {site.partner_id for site in visible.values() if site.partner_id is not None}
    sites = {site.pk: site for site in SiteRow.objects.all()}
    groups = {site_id: engine_site(site) for site_id, site in sites.items()}
    report = []
    queues = Queue.objects.filter(active=True, split_shares__isnull=False).distinct()
    shares = SplitShare.objects.select_related("partner", "site").order_by("pk")
    for queue in queues.prefetch_related(Prefetch("split_shares", queryset=shares)):
        rows = list(queue.split_shares.all())
        split = engine_split(queue)
        if split is None:
            continue
        shown = [
            index
            for index, row in enumerate(rows)
            if (row.site_id in visible) or (row.partner_id in partners)
        ]
        if not shown:
            continue
        names = [str(row.site if row.site_id is not None else row.partner) for row in rows]
        group_of_site = {site_id: group_of(split, site) for site_id, site in groups.items()}
        live = _live(queue, split, group_of_site)
        report.append(
            QueueSplit(
                queue=queue,
                window_contacts=queue.split_window_contacts,
                live=_lines(live, split, names, shown),
                intervals=_intervals(
                    queue, split, group_of_site, day, interval_minutes, names, shown
                ),
            )
        )
    return report


def _answered(queue: Queue) -> Any:
    return Contact.objects.filter(queue=queue, accepted_at__isnull=False, agent__isnull=False)


def _live(queue: Queue, split: VolumeSplit, group_of_site: dict[int, int]) -> list[int]:
    counts = [0] * (len(split.shares) + 1)
    recent = _answered(queue).order_by("-accepted_at", "-pk")[: queue.split_window_contacts]
    for site_id in recent.values_list("agent__site_id", flat=True):
        group = group_of_site.get(site_id, OUTSIDE)
        counts[len(split.shares) if group == OUTSIDE else group] += 1
    return counts


def _intervals(
    queue: Queue,
    split: VolumeSplit,
    group_of_site: dict[int, int],
    day: dt.date,
    minutes: int,
    names: list[str],
    shown: list[int],
) -> list[SplitInterval]:
    zone = ZoneInfo(queue.time_zone)
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    rows = _answered(queue).filter(accepted_at__gte=start, accepted_at__lt=end)
    answers = (
        ((at - start).total_seconds(), group_of_site.get(site_id, OUTSIDE))
        for at, site_id in rows.values_list("accepted_at", "agent__site_id")
    )
    counts = offers_by_interval(answers, len(split.shares), minutes * 60.0)
    return [
        SplitInterval(
            start=(start + dt.timedelta(minutes=minutes * key)).astimezone(zone),
            lines=_lines(counts[key], split, names, shown),
        )
        for key in sorted(counts)
    ]


def _lines(
    counts: list[int], split: VolumeSplit, names: list[str], shown: list[int]
) -> list[ShareLine]:
    total = sum(counts)
    return [
        ShareLine(
            group=names[index],
            target_percent=split.shares[index].percent,
            actual_percent=round(100 * counts[index] / total, 1) if total else None,
            contacts=counts[index],
        )
        for index in shown
    ]
