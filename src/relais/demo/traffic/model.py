"""The demo's traffic, drawn by the simulator's models (`relais.core.simulation`).

Nothing here is re-implemented: arrivals come from `generate_arrivals` (Poisson with an
expected count per 30-minute interval and queue, handling time and patience per contact
by inversion from seeded streams), breaks from `build_staff` (shifts with breaks in each
site's local time). This module only describes the demo's day and maps the simulator's
clock onto the wall clock.

Clock: the traffic follows a *virtual* day, `virtual = v0 + (real - r0) × speed`. With
`speed = 1` it is the real day (lunch at 12:00 is at 12:00); with `speed = 12` a day of
traffic plays in two hours. Expected counts are divided by `speed`, so the number of
contacts per *real* hour is the same whatever the speed. Handling times and patience are
real seconds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from relais.core.routing import BreakReason, Channel, QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    BreakSpec,
    LogNormal,
    QueueSpec,
    Scenario,
    ShiftSpec,
)
from relais.core.simulation.arrivals import generate_arrivals
from relais.core.simulation.distributions import Distribution, Exponential
from relais.core.simulation.presence import BREAK, REASONS, build_staff
from relais.core.simulation.streams import RandomStreams

PARIS = "Europe/Paris"
INTERVAL_S = 1800.0
DAY_S = 86400.0


def _shape(*points: tuple[float, float]) -> tuple[float, ...]:
    """48 half-hour weights from (hour, weight) points, linear in between, 0 outside."""
    weights = []
    for slot in range(48):
        hour = slot / 2 + 0.25
        value = 0.0
        for (h0, w0), (h1, w1) in itertools.pairwise(points):
            if h0 <= hour < h1:
                value = w0 + (w1 - w0) * (hour - h0) / (h1 - h0)
        weights.append(round(value, 3))
    return tuple(weights)


# A French retailer's chat day (Paris time), every day of the week (Sunday is a busy day
# for online shopping): a morning peak, the lunch dip, the afternoon peak, a quieter
# evening, and a night that never quite stops (15 % of the peak).
NIGHT = 0.15
DAYTIME = _shape(
    (0, NIGHT),
    (7, NIGHT),
    (10, 0.9),
    (11.5, 1.0),
    (13, 0.6),
    (14.5, 1.0),
    (17, 0.8),
    (20, 0.4),
    (23, NIGHT),
    (24, NIGHT),
)
EVENING = _shape(
    (0, NIGHT), (7, NIGHT), (17, 0.4), (18.5, 1.0), (21, 0.8), (23.5, 0.2), (24, NIGHT)
)
FLAT = (1.0,) * 48


@dataclass(frozen=True, slots=True)
class DemoQueue:
    """A demo chat queue, the widget topic that leads to it (`relais.demo.queues.TOPICS`)
    and its traffic at the peak."""

    code: str
    topic: str
    peak_per_hour: float
    shape: tuple[float, ...]
    language: str = "fr"


DEMO_QUEUES = (
    DemoQueue("commandes", "commande", 300.0, DAYTIME),
    DemoQueue("soir", "commande-soir", 90.0, EVENING),
    DemoQueue("nl", "nederlands", 20.0, DAYTIME, "nl"),
)


@dataclass(frozen=True, slots=True)
class TrafficOptions:
    rate: float = 1.0  # multiplies every queue's rate
    speed: float = 1.0  # virtual seconds per real second
    seed: int = 1
    flat: bool = False  # the peak rate all day instead of the day's shape
    handling_mean_s: float = 90.0
    patience_mean_s: float = 180.0
    breaks: bool = True


class Timeline:
    """Virtual (simulated day) and real (wall clock) times, both Unix seconds."""

    def __init__(self, real0: float, virtual0: float, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.real0, self.virtual0, self.speed = real0, virtual0, speed

    def real(self, virtual: float) -> float:
        return self.real0 + (virtual - self.virtual0) / self.speed

    def virtual(self, real: float) -> float:
        return self.virtual0 + (real - self.real0) * self.speed


def local_midnight(at: float, zone: str = PARIS) -> float:
    moment = datetime.fromtimestamp(at, ZoneInfo(zone))
    return datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo).timestamp()


def handling_law(options: TrafficOptions) -> Distribution:
    mean = options.handling_mean_s
    return LogNormal(mean, mean / 2)


def patience_law(options: TrafficOptions) -> Distribution:
    return Exponential(options.patience_mean_s)


@dataclass(frozen=True, slots=True)
class Arrival:
    at: float  # real time
    queue: DemoQueue
    handling_s: float
    patience_s: float


def day_arrivals(
    options: TrafficOptions, timeline: Timeline, day: float, queues: tuple[DemoQueue, ...]
) -> list[Arrival]:
    """Every arrival of the virtual day starting at `day` (local midnight), real times.

    One simulator replication per day (replication = days since the epoch), so a day's
    traffic is the same for a given seed whatever the moment the generator starts."""
    if not queues:
        return []
    specs = tuple(
        QueueSpec(
            config=QueueConfig(queue.code, channel=Channel.CHAT),
            handling=handling_law(options),
            patience=patience_law(options),
            volumes=tuple(
                queue.peak_per_hour * options.rate * weight * INTERVAL_S / 3600 / options.speed
                for weight in (FLAT if options.flat else queue.shape)
            ),
        )
        for queue in queues
    )
    scenario = Scenario(
        name="demo traffic",
        start=day,
        duration_s=DAY_S,
        sites=(),
        queues=specs,
        agents=(),
        interval_s=INTERVAL_S,
        seed=options.seed,
        replications=1,
    )
    table = generate_arrivals(scenario, RandomStreams(options.seed, int(day // DAY_S)))
    return [
        Arrival(timeline.real(at), queues[row], handling, patience)
        for at, row, handling, patience in zip(
            table.times, table.queues, table.handling, table.patience, strict=True
        )
    ]


# -- breaks: each bot's shift has the breaks of its site, staggered --------------------------


def _breaks(site_zone: str, position: int) -> tuple[BreakSpec, ...]:
    """Lunch in one of four staggered 45-minute slots from 12:00 local; in Rabat, the
    midday and afternoon prayers (about 13:30 and 16:00 local, 10 minutes), staggered;
    a coffee break of 10 minutes mid-morning."""
    slot = position % 4
    breaks = [
        BreakSpec(10 * 60 + 15 * slot, 10, BreakReason.OTHER),
        BreakSpec(12 * 60 + 30 * slot, 45, BreakReason.LUNCH),
    ]
    if site_zone == "Africa/Casablanca" and position % 2 == 0:  # about half pray at work
        breaks.append(BreakSpec(13 * 60 + 50 + 5 * slot, 10, BreakReason.PRAYER))
        breaks.append(BreakSpec(16 * 60 + 5 * slot, 10, BreakReason.PRAYER))
    return tuple(sorted(breaks, key=lambda pause: pause.start_min))


@dataclass(frozen=True, slots=True)
class BotBreak:
    start: float  # real
    end: float  # real
    reason: BreakReason


def break_plan(
    timeline: Timeline, zones: list[str], start_real: float, hours: float = 48
) -> list[list[BotBreak]]:
    """For each bot (its site's time zone), its breaks from `start_real` on (real times)."""
    virtual_start = timeline.virtual(start_real)
    scenario = Scenario(
        name="demo agents",
        start=virtual_start,
        duration_s=hours * 3600,
        sites=tuple(Site(f"site{n}", time_zone=zone) for n, zone in enumerate(zones)),
        queues=(),
        agents=tuple(
            AgentGroup(
                f"bot{n}",
                f"site{n}",
                1,
                shifts=(ShiftSpec(0, 1440, breaks=_breaks(zone, n)),),
            )
            for n, zone in enumerate(zones)
        ),
        drain_s=0,
    )
    plans: list[list[BotBreak]] = [[] for _ in zones]
    opened: dict[int, tuple[float, BreakReason]] = {}
    for at, kind, agent, value in build_staff(scenario).actions:
        if kind != BREAK:
            continue
        if value >= 0:
            opened[agent] = (at, REASONS[value])
        elif agent in opened:
            began, reason = opened.pop(agent)
            plans[agent].append(BotBreak(timeline.real(began), timeline.real(at), reason))
    return plans


def first_day(timeline: Timeline, real: float) -> float:
    return local_midnight(timeline.virtual(real))


def next_day(day: float) -> float:
    """The next local midnight (a day is 23 or 25 hours when the clocks change)."""
    return local_midnight(day + DAY_S + 3 * 3600)
