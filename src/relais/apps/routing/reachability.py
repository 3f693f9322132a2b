"""Reads: when a queue is open and nobody can answer it, from the configuration the router runs.

The queues, agent profiles and sites come from `routing.config` (the rows the router turns
into its engine), the check from `relais.core.routing.reachability`. Sites' own opening
hours count: an agent is reachable only while their site is open (a site without opening
hours counts as always open). Weekly ranges are in each queue's time zone, over this week
and the next 52, so that every daylight-saving change and Morocco's Ramadan time of the
coming year is met. See docs/routing.md, "Reachability".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Site as SiteRow
from relais.apps.routing.config import (
    agent_profile,
    agents_for_engine,
    engine_queue,
    engine_site,
    engine_sites,
    queues_for_engine,
    site_schedule,
)
from relais.apps.routing.models import Queue
from relais.core.clock import from_datetime
from relais.core.routing import (
    AgentProfile,
    GapReason,
    QueueReach,
    Schedule,
    Site,
    WeeklyGap,
    group_days,
    queue_reach,
    reachability_gaps,
)

logger = logging.getLogger("relais.routing")

#: This week and the next 52.
WEEKS = 53


def _profiles() -> list[AgentProfile]:
    return [agent_profile(agent) for agent in agents_for_engine()]


def _sites_and_hours() -> tuple[dict[str, Site], dict[str, Schedule]]:
    """Every site, and the hours of the sites that have some."""
    sites: dict[str, Site] = {}
    hours: dict[str, Schedule] = {}
    for row in SiteRow.objects.prefetch_related("opening_hours"):
        sites[str(row.pk)] = engine_site(row)
        periods = list(row.opening_hours.all())
        if periods:
            hours[str(row.pk)] = site_schedule(row, periods)
    return sites, hours


def queue_gaps(
    *, viewer: Any, queue: Queue | None = None, at: dt.datetime | None = None, weeks: int = WEEKS
) -> list[WeeklyGap]:
    """The gaps of one active queue (None: of every active queue), by queue then start.

    Queues are every signed-in person's to read. A configuration the engine refuses is a
    `RelaisError` (`invalid_configuration`), as for the router.
    """
    if not getattr(viewer, "is_authenticated", False):
        return []
    rows = queues_for_engine() if queue is None else queues_for_engine().filter(pk=queue.pk)
    rows = rows.order_by("code")
    sites, site_hours = _sites_and_hours()
    agents = _profiles()
    return reachability_gaps(
        [queue_reach(engine_queue(row), sites, agents) for row in rows],
        start=from_datetime(at or timezone.now()),
        weeks=weeks,
        time_zones={row.code: row.time_zone for row in rows},
        site_hours=site_hours,
    )


def reach_index() -> dict[str, QueueReach]:
    """Every active queue's steps with who may serve them (queue code -> reach), for the
    wallboard's alert; a queue the engine would refuse is left out (and logged)."""
    sites = {site.site_id: site for site in engine_sites()}
    agents = _profiles()
    found: dict[str, QueueReach] = {}
    for queue in queues_for_engine():
        try:
            found[queue.code] = queue_reach(engine_queue(queue), sites, agents)
        except RelaisError:
            logger.warning("reachability: queue %s has a configuration the engine refuses", queue)
    return found


# -- in words -------------------------------------------------------------------------------


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _when(group: tuple[WeeklyGap, ...]) -> str:
    gap = group[0]
    if gap.whole_week:
        return _("at any time")
    first_day, start = divmod(gap.start_min, 1440)
    end = gap.end_min - first_day * 1440
    hours = {"start": _clock(start), "end": _clock(end if end <= 1440 else end - 1440)}
    if len(group) > 1:
        last_day = group[-1].start_min // 1440
        when = _("from %(day)s to %(last_day)s, %(start)s–%(end)s") % {
            "day": WEEKDAYS[first_day],
            "last_day": WEEKDAYS[last_day],
            **hours,
        }
    elif end <= 1440:
        when = _("on %(day)s %(start)s–%(end)s") % {"day": WEEKDAYS[first_day], **hours}
    else:
        last_day, end = divmod(gap.end_min, 1440)
        if end == 0:
            last_day, end = last_day - 1, 1440
        when = _("from %(day)s %(start)s to %(end_day)s %(end)s") % {
            "day": WEEKDAYS[first_day],
            "start": _clock(start),
            "end_day": WEEKDAYS[last_day % 7],
            "end": _clock(end),
        }
    if gap.every_week:
        return when
    return _("%(when)s (%(count)s of the %(total)s weeks checked, first on %(date)s)") % {
        "when": when,
        "count": len(gap.weeks),
        "total": gap.weeks_checked,
        "date": formats.date_format(gap.first_date, "DATE_FORMAT"),
    }


def _why(reason: GapReason) -> str:
    if reason is GapReason.NO_STEP_OPEN:
        return _("no overflow step is open then")
    if reason is GapReason.NO_SKILLED_AGENT:
        return _("no active agent of the open steps has the skills, language and channel needed")
    return _("the agents who could answer work on sites that are closed then")


def gap_texts(gaps: Iterable[WeeklyGap], queue: str) -> list[str]:
    """One sentence per range, the same hours on consecutive days together: "Nobody can
    answer queue Orders from Monday to Friday, 20:00–22:00: no overflow step is open then."
    """
    return [
        _("Nobody can answer queue %(queue)s %(when)s: %(why)s.")
        % {"queue": queue, "when": _when(group), "why": _why(group[0].reason)}
        for group in group_days(gaps)
    ]
