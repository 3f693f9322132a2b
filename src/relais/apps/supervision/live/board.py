"""The live board: today's KPIs held in memory, fed from the event log by id cursor.

`rebuild()` reads today's contacts (and every contact still live) and the agents' states
from the record; `poll()` reads the events appended since the cursor (and the ids still
missing below it, a slow transaction's) and re-reads the contacts they touch. Figures come
from `relais.core.kpi.GroupedKpis` over the finest groups (queue x agent, agent), folded per
dimension and filtered by the viewer's scope in `relais.apps.supervision.live.figures`.
See docs/supervision.md.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q

from relais.apps.interactions.models import LIVE_STATES, Contact, ContactEvent, EventKind
from relais.apps.organisation.models import Agent, Partner, Site, Team
from relais.apps.reporting.records import (
    AGENT_EVENT_KINDS,
    CONTACT_FIELDS,
    EVENT_FIELDS,
    Place,
    SpanTracker,
    agent_places,
    contact_record,
    kpi_config,
)
from relais.apps.routing.models import Queue
from relais.apps.routing.reachability import reach_index
from relais.core.kpi import ContactRecord, Dimension, GroupedKpis, KpiConfig
from relais.core.routing import QueueReach

INTERVAL_SECONDS = 900
RECENT_SECONDS = 1800
GAP_WAIT_S = 10.0
REFRESH_S = 30.0


@dataclass(frozen=True, slots=True)
class QueueInfo:
    code: str
    name_en: str
    name_fr: str
    target: float  # service-level target, a fraction
    target_seconds: float


def local_midnight(now: float) -> float:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = dt.datetime.fromtimestamp(now, zone).date()
    return dt.datetime.combine(day, dt.time(), zone).timestamp()


class LiveBoard:
    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.cursor = 0
        self.gaps: dict[int, float] = {}
        self.day_start = 0.0
        self.day_end = 0.0
        self.places: dict[str, Place] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.queues: dict[str, QueueInfo] = {}
        self.reach: dict[str, QueueReach] = {}  # who may serve each queue's steps
        self.config = KpiConfig()
        self.tracker = SpanTracker({})
        self.today = GroupedKpis()
        self.intervals = GroupedKpis()
        self.spans = GroupedKpis()
        self.recent: dict[str, ContactRecord] = {}
        self.final: set[str] = set()
        self.version = 0
        self._next_refresh = 0.0

    # -- reading the record ------------------------------------------------------------------

    def refresh_directory(self) -> None:
        """Agents' places, names of sites, teams, partners and agents, queues' targets, and
        who may serve each queue's steps (routing.reachability)."""
        self.places = agent_places()
        self.tracker.places = self.places
        self.names = {
            "site": {str(pk): name for pk, name in Site.objects.values_list("pk", "name")},
            "team": {str(pk): name for pk, name in Team.objects.values_list("pk", "name")},
            "partner": {str(pk): name for pk, name in Partner.objects.values_list("pk", "name")},
            "agent": {
                str(a.pk): a.user.get_full_name() or a.user.username
                for a in Agent.objects.select_related("user")
            },
        }
        self.queues = {
            q.code: QueueInfo(
                q.code,
                q.name_en,
                q.name_fr,
                q.service_level_percent / 100,
                float(q.service_level_seconds),
            )
            for q in Queue.objects.all()
        }
        self.reach = reach_index()
        self._next_refresh = self.clock() + REFRESH_S

    def rebuild(self) -> None:
        now = self.clock()
        self.refresh_directory()
        self.config = kpi_config()
        self.day_start = local_midnight(now)
        self.day_end = local_midnight(self.day_start + 86_400 + 7_200)
        self.cursor = ContactEvent.objects.aggregate(last=Max("id"))["last"] or 0
        self.gaps = {}
        self.tracker = SpanTracker(self.places)
        self.today = GroupedKpis(group_by=(Dimension.QUEUE, Dimension.AGENT), config=self.config)
        self.intervals = GroupedKpis(
            group_by=(Dimension.SITE_KIND, Dimension.AGENT),
            interval_seconds=INTERVAL_SECONDS,
            origin=self.day_start,
            config=self.config,
        )
        self.spans = GroupedKpis(group_by=Dimension.AGENT, config=self.config)
        self.recent, self.final = {}, set()
        start = dt.datetime.fromtimestamp(self.day_start, dt.UTC)
        today = Q(queued_at__gte=start) | Q(queued_at__isnull=True, created_at__gte=start)
        rows = Contact.objects.filter(today | Q(state__in=LIVE_STATES)).values(*CONTACT_FIELDS)
        for row in rows.iterator():
            self._add_contact_row(row)
        events = ContactEvent.objects.filter(
            kind__in=AGENT_EVENT_KINDS, agent__isnull=False, id__lte=self.cursor
        )
        before = events.filter(at__lt=start).values("agent_id").annotate(last=Max("id"))
        initial = ContactEvent.objects.filter(id__in=[b["last"] for b in before])
        for row in initial.values(*EVENT_FIELDS):
            self.tracker.apply_event(row)
        for agent, current in self.tracker.current.items():
            current.since = max(current.since, self.day_start)
            span = self.tracker.span(agent, current.state, current.reason, current.since)
            self.spans.add_span(span)
        for row in events.filter(at__gte=start).order_by("id").values(*EVENT_FIELDS):
            self._add_agent_event(row)
        self.version += 1

    def poll(self) -> bool:
        """Apply the events appended since the cursor; True when a figure may have changed."""
        now = self.clock()
        if now >= self.day_end:
            self.rebuild()
            return True
        if now >= self._next_refresh:
            self.refresh_directory()
        query = Q(id__gt=self.cursor)
        if self.gaps:
            query |= Q(id__in=list(self.gaps))
        rows = list(ContactEvent.objects.filter(query).order_by("id").values(*EVENT_FIELDS)[:5000])
        expected = self.cursor + 1
        contacts: set[int] = set()
        reconfigured = False
        for row in rows:
            pk = row["id"]
            if pk > self.cursor:
                self.gaps.update(dict.fromkeys(range(expected, pk), now + GAP_WAIT_S))
                expected = pk + 1
                self.cursor = pk
            else:
                self.gaps.pop(pk, None)
            if row["contact_id"] is not None:
                contacts.add(row["contact_id"])
            if row["agent_id"] is not None and str(row["agent_id"]) not in self.places:
                self.refresh_directory()
            elif row["kind"] == EventKind.QUEUE_CONFIGURATION_CHANGED:
                reconfigured = True
            self._add_agent_event(row)
        self.gaps = {pk: until for pk, until in self.gaps.items() if until > now}
        if reconfigured:
            self.reach = reach_index()  # a step opened or closed now, new hours or targets
        for row in Contact.objects.filter(pk__in=contacts).values(*CONTACT_FIELDS):
            self._add_contact_row(row)
        if rows:
            self.version += 1
        return bool(rows)

    def _add_contact_row(self, row: dict[str, object]) -> None:
        record = contact_record(row, self.places)
        if record is None or record.contact_id in self.final:
            return
        if record.queue not in self.queues:
            self.refresh_directory()
        self.today.add_contact(record)
        self.intervals.add_contact(record)
        if record.arrived_at >= self.clock() - RECENT_SECONDS:
            self.recent[record.contact_id] = record
        if record.is_final:
            self.final.add(record.contact_id)

    def _add_agent_event(self, row: dict[str, object]) -> None:
        span = self.tracker.apply_event(row)
        if span is not None:
            self.spans.add_span(span)

    def recent_records(self, now: float) -> list[ContactRecord]:
        cutoff = now - RECENT_SECONDS
        self.recent = {k: r for k, r in self.recent.items() if r.arrived_at >= cutoff}
        return list(self.recent.values())
