"""Interval statistics: the KPI counters of every 15 minutes, per finest group.

One row per (interval, queue, channel, agent) for contacts (site, site kind, partner and
team are the answering agent's; all empty for contacts nobody answered) and one row per
(interval, agent) for agents' time in states (queue and channel empty). Reports add rows up
(`KpiSummary` merges by addition) and derive every KPI with `relais.core.kpi`.
Rows are only ever replaced whole, interval by interval (`reporting.stats`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Agent, Partner, Site, Team
from relais.apps.routing.models import Queue

#: KpiSummary counters stored on each row (the same names).
COUNTERS = (
    "offered",
    "answered",
    "answered_within_target",
    "abandoned",
    "abandoned_after_target",
    "short_abandoned",
    "waiting",
    "handled",
    "transferred",
)
SECONDS = (
    "answered_wait_seconds",
    "abandoned_wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_up_seconds",
    "handling_state_seconds",
    "available_seconds",
    "unavailable_seconds",
    "answered_wait_squares",
    "handling_squares",
)


class IntervalStat(models.Model):
    interval_start = models.DateTimeField(_("interval start"), db_index=True)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    site_kind = models.CharField(_("site kind"), max_length=16, blank=True)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    offered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_within_target = models.IntegerField(default=0)
    abandoned = models.IntegerField(default=0)
    abandoned_after_target = models.IntegerField(default=0)
    short_abandoned = models.IntegerField(default=0)
    waiting = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    transferred = models.IntegerField(default=0)
    answered_wait_seconds = models.FloatField(default=0.0)
    abandoned_wait_seconds = models.FloatField(default=0.0)
    talk_seconds = models.FloatField(default=0.0)
    hold_seconds = models.FloatField(default=0.0)
    wrap_up_seconds = models.FloatField(default=0.0)
    longest_wait_seconds = models.FloatField(null=True)
    handling_state_seconds = models.FloatField(default=0.0)
    available_seconds = models.FloatField(default=0.0)
    unavailable_seconds = models.FloatField(default=0.0)
    # sums of squared seconds (the spread of ASA and AHT); 0 on rows computed before them
    answered_wait_squares = models.FloatField(default=0.0)
    handling_squares = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("interval statistic")
        verbose_name_plural = _("interval statistics")
        ordering = ["interval_start", "id"]

    def __str__(self) -> str:
        return f"{self.interval_start:%Y-%m-%d %H:%M} {self.queue_id} {self.agent_id}"


class StatsCursor(models.Model):
    """How far `relais stats` has read the event log (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statistics cursor")
        verbose_name_plural = _("statistics cursors")

    def __str__(self) -> str:
        return str(self.last_event_id)
