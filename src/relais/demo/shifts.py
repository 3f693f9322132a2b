"""Eight weeks of the demo agents' working days in the state log, so that what is computed from
agent hours has hours to count: partners billed by the productive hour (last month's
statements), the internal sites' loaded cost on the sourcing page, occupancy in the reports.

Each agent works Monday to Saturday, most days (an absence now and then), a 7-hour shift in
their site's time zone — mornings (8:00) or afternoons (13:00), half the agents each — with a
lunch break, a second short break, and at the offshore sites a prayer break. The events are
the ones the desktop writes (`agent.logged_in`, `agent.break_started`/`ended`,
`agent.logged_out`), marked `"source": "demo-history"` and `by_router` (a router never takes
them for requests), in time order for each agent, and only in the past. Loading again changes
nothing once the history is there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from relais.apps.interactions.models import BreakReason, ContactEvent, EventKind
from relais.apps.organisation.models import Agent, SiteKind
from relais.demo.workload import Period, Workload

HISTORY_MARK = "demo-history"
SHIFT_HOURS = 7
STARTS = (8, 13)  # local hour of the morning and the afternoon shift
ABSENT_SHARE = 0.12


def load_demo_shifts(*, days: int = 56, seed: int = 23, contacts: bool = True) -> int:
    """The working days of every agent with a site over the last `days` days (today excluded),
    and (`contacts`) the contacts they handled meanwhile (demo/workload.py); how many state
    events were written (0 when the history is there already)."""
    if ContactEvent.objects.filter(
        kind=EventKind.AGENT_LOGGED_IN, data__source=HISTORY_MARK
    ).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    workload = Workload(rng) if contacts else None
    agents = Agent.objects.select_related("site").filter(active=True, site__isnull=False)
    with transaction.atomic():
        events = _days(agents.order_by("pk"), days=days, rng=rng, workload=workload)
        ContactEvent.objects.bulk_create(events, batch_size=2000)
        if workload is not None:
            workload.flush()
    return len(events)


def _days(
    agents: Iterable[Agent], *, days: int, rng: random.Random, workload: Workload | None
) -> list[ContactEvent]:
    """Each agent's working days, in time order; their contacts handed to `workload`."""
    events: list[ContactEvent] = []
    today = timezone.localdate()
    now = timezone.now()
    for agent in agents:
        zone = ZoneInfo(agent.site.time_zone)
        start_hour = STARTS[agent.pk % len(STARTS)]
        for back in range(days, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() == 6 or rng.random() < ABSENT_SHARE:
                continue  # Sunday, or absent
            start = dt.datetime.combine(day, dt.time(start_hour), zone)
            start += dt.timedelta(minutes=rng.randint(-5, 10))
            day_events = _day(agent, start, rng)
            if day_events[-1].at < now:
                events += day_events
                if workload is not None:
                    workload.handle(agent, _at_work(day_events))
    return events


def _at_work(day: list[ContactEvent]) -> list[Period]:
    """The day's periods logged in and not on a break."""
    periods: list[Period] = []
    since: dt.datetime | None = None
    for event in day:
        if event.kind in (EventKind.AGENT_LOGGED_IN, EventKind.AGENT_BREAK_ENDED):
            since = event.at
        elif since is not None:
            periods.append((since, event.at))
            since = None
    return periods


def _day(agent: Agent, start: dt.datetime, rng: random.Random) -> list[ContactEvent]:
    """Log in, a short break after two hours, lunch (30 min) mid-shift, a prayer break at the
    offshore sites, log out after the shift."""
    breaks = [
        (start + dt.timedelta(hours=2, minutes=rng.randint(0, 20)), 10, BreakReason.OTHER),
        (start + dt.timedelta(hours=3, minutes=rng.randint(30, 50)), 30, BreakReason.LUNCH),
    ]
    if agent.site.kind == SiteKind.OFFSHORE:
        breaks.append(
            (start + dt.timedelta(hours=5, minutes=rng.randint(10, 30)), 10, BreakReason.PRAYER)
        )
    end = start + dt.timedelta(hours=SHIFT_HOURS, minutes=rng.randint(-5, 10))
    mark = {"source": HISTORY_MARK}
    made = [_event(agent, start, EventKind.AGENT_LOGGED_IN, {**mark, "break_reason": ""})]
    for begins, minutes, reason in breaks:
        made.append(
            _event(agent, begins, EventKind.AGENT_BREAK_STARTED, {**mark, "reason": reason})
        )
        ends = begins + dt.timedelta(minutes=minutes + rng.randint(-2, 4))
        made.append(_event(agent, ends, EventKind.AGENT_BREAK_ENDED, dict(mark)))
    made.append(_event(agent, end, EventKind.AGENT_LOGGED_OUT, dict(mark)))
    return made


def _event(agent: Agent, at: dt.datetime, kind: EventKind, data: dict[str, str]) -> ContactEvent:
    # by_router: a running router never acts on them (they are history, not requests)
    return ContactEvent(at=at, kind=kind, agent=agent, data=data, by_router=True)
