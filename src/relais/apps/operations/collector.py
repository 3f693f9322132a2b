"""The metrics read from the record at scrape time (docs/operations.md, "Metrics").

They hold for the whole installation, whichever web process is scraped: contacts by state,
the oldest wait, open WebSocket connections, the job queue, calls in progress, and which
active/standby roles have an active process. The counters each process keeps itself (offers,
routing latency, errors) are in apps/telemetry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from relais.apps.interactions.models import LIVE_STATES, Contact, ContactState
from relais.apps.operations.queries import advisory_locks_held
from relais.apps.realtime.models import Connection, LeaseKind
from relais.apps.router.runner import LOCK_KEY as ROUTER_LOCK
from relais.apps.routing.models import Channel
from relais.apps.voice.b2bua.runner import LOCK_KEY as VOICE_LOCK
from relais.apps.voice.models import Call, CallState

#: Contacts that wait for the router (left messages and callbacks wait for agents, rightly).
_WAITING = (ContactState.CREATED, ContactState.QUEUED)


class RecordCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield self._contacts()
        yield self._oldest_wait()
        yield self._connections()
        yield self._job_queue()
        yield self._calls()
        if connection.vendor == "postgresql":
            yield self._active_processes()

    @staticmethod
    def _contacts() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "relais_contacts", "Live contacts by state and channel.", labels=["state", "channel"]
        )
        counts = {(state, channel): 0 for state in LIVE_STATES for channel in Channel.values}
        found = (
            Contact.objects.filter(state__in=LIVE_STATES)
            .values_list("state", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for state, channel, n in found:
            counts[(state, channel)] = n
        for (state, channel), n in sorted(counts.items()):
            family.add_metric([str(state), str(channel)], n)
        return family

    @staticmethod
    def _oldest_wait() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "relais_oldest_waiting_seconds",
            "Age of the oldest contact not yet offered (created or queued), by channel.",
            labels=["channel"],
        )
        now = timezone.now()
        oldest = dict(
            Contact.objects.filter(state__in=_WAITING)
            .values_list("channel")
            .annotate(first=Min("created_at"))
            .order_by()
        )
        for channel in Channel.values:
            first = oldest.get(channel)
            family.add_metric([channel], (now - first).total_seconds() if first else 0.0)
        return family

    @staticmethod
    def _connections() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "relais_websocket_connections",
            "Open WebSocket connections (agents' desktops, customers' chats), every process.",
            labels=["kind"],
        )
        alive_since = timezone.now() - dt.timedelta(seconds=3 * settings.LEASE_HEARTBEAT_S)
        counts = dict.fromkeys(LeaseKind.values, 0)
        counts.update(
            Connection.objects.filter(closed_at__isnull=True, seen_at__gte=alive_since)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for kind, n in sorted(counts.items()):
            family.add_metric([kind], n)
        return family

    @staticmethod
    def _job_queue() -> GaugeMetricFamily:
        from django_tasks_db.models import DBTaskResult

        family = GaugeMetricFamily(
            "relais_job_queue_depth", "Background jobs ready to run, by queue.", labels=["queue"]
        )
        counts = dict.fromkeys(settings.TASKS["default"]["QUEUES"], 0)
        counts.update(
            DBTaskResult.objects.ready()
            .values_list("queue_name")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for queue, n in sorted(counts.items()):
            family.add_metric([queue], n)
        return family

    @staticmethod
    def _calls() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "relais_calls_in_progress", "Telephone calls not ended, by state.", labels=["state"]
        )
        counts = {state: 0 for state in CallState.values if state != CallState.ENDED}
        counts.update(
            Call.objects.exclude(state=CallState.ENDED)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for state, n in sorted(counts.items()):
            family.add_metric([state], n)
        return family

    @staticmethod
    def _active_processes() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "relais_active_processes",
            "Whether an active process holds the role's lock (1) or none does (0).",
            labels=["role"],
        )
        held = advisory_locks_held([ROUTER_LOCK, VOICE_LOCK])
        family.add_metric(["router"], int(ROUTER_LOCK in held))
        family.add_metric(["voice"], int(VOICE_LOCK in held))
        return family
