"""A simulation scenario, validated and typed: what `parsing.load_scenario` returns.

Times are engine times (float seconds since the Unix epoch, UTC). Shift and break times
are minutes after local midnight in the site's time zone. See docs/simulation.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from relais.core.briefings import Rollout
from relais.core.importing import ImportReport
from relais.core.kpi import KpiConfig
from relais.core.routing import BreakReason, Channel, InProgress, QueueConfig, Site
from relais.core.simulation.distributions import Distribution, Exponential, Never

__all__ = [
    "AgentGroup",
    "BreakSpec",
    "BriefingRollout",
    "ChannelShift",
    "GroupPrice",
    "LinkDown",
    "PartnerBilling",
    "PartnerClosed",
    "PriceOrigin",
    "QueueSpec",
    "ReplayArrival",
    "Scenario",
    "ScenarioError",
    "ScenarioEvent",
    "ShiftSpec",
    "VolumeShock",
]


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class PartnerBilling:
    """What a partner is paid: per logged-in hour, per handled contact, or both (compared)."""

    partner: str
    hourly_rate: float | None = None
    per_contact_rate: float | None = None
    currency: str = "EUR"


class PriceOrigin(StrEnum):
    """Where a group's price came from: the scenario file, a partner's contract version
    (`reference`: contract reference and version), an internal site's loaded cost per hour
    (`reference`: the date it is valid from)."""

    SCENARIO = "scenario"
    CONTRACT = "contract"
    LOADED_COST = "loaded_cost"


@dataclass(frozen=True, slots=True)
class GroupPrice:
    """What an agent group costs: per logged-in hour, per handled contact, per resolved contact
    (the contact's price when resolved at first contact; `resolved_share` of the handled
    contacts are, as the simulator does not model repeats). Any may be left out.
    `origin` and `reference` say where the price came from (shown beside the cost)."""

    per_hour: float | None = None
    per_handled: float | None = None
    per_resolved: float | None = None
    resolved_share: float | None = None
    currency: str = "EUR"
    origin: PriceOrigin = PriceOrigin.SCENARIO
    reference: str = ""

    def cost(self, hours: float, handled: float) -> float:
        total = 0.0
        if self.per_hour is not None:
            total += hours * self.per_hour
        if self.per_handled is not None:
            total += handled * self.per_handled
        if self.per_resolved is not None and self.resolved_share is not None:
            total += handled * self.resolved_share * self.per_resolved
        return total


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A routing queue plus the traffic it receives.

    `volumes`: expected arrivals per interval from the scenario start (a list one day long
    repeats every day); otherwise `rate_per_hour` all the time. `concurrency_slowdown`: on a
    concurrent channel (chat, e-mail), each contact an agent holds besides this one makes
    it last that much longer (0.25: 3 chats at once take 1.5 x as long each).
    `wrap_up_when_waiting`: the after-call time drawn for each call when callers are
    waiting, instead of `config.wrap_up_s` (agents cut it short; `readiness.py`).
    `wrap_up_by_interval`: the after-call time of a call ending in each interval from the
    scenario start (agents' breaks and other unready time by time of day), instead of
    `config.wrap_up_s`, which stays the after-call time past the last of them.
    `wrap_up_by_waiting`: (callers waiting, factor) pairs by increasing count: a call that
    ends while at least that many callers wait (the last pair that applies) has its
    after-call time multiplied by the factor (agents hurry when the queue grows).
    `answer_delay_s`: a contact taken from the queue is answered that long after an agent
    is given it (ringing, the agent picking up), counted in its wait; one given at once to
    a free agent on arrival is not delayed (call logs count its wait from the answer).
    `handling_by_kind`: (kind, law) pairs: a replayed contact of that kind (its reason for
    calling, known on arrival: the voice menu's choice) takes its handling time from that
    law, drawn from the same uniform; other contacts from `handling`.
    """

    config: QueueConfig
    handling: Distribution = field(default_factory=lambda: Exponential(300.0))
    patience: Distribution = field(default_factory=Never)
    volumes: tuple[float, ...] | None = None
    rate_per_hour: float = 0.0
    concurrency_slowdown: float = 0.0
    wrap_up_when_waiting: Distribution | None = None
    handling_by_kind: tuple[tuple[str, Distribution], ...] = ()
    wrap_up_by_interval: tuple[float, ...] = ()
    wrap_up_by_waiting: tuple[tuple[int, float], ...] = ()
    answer_delay_s: float = 0.0

    @property
    def queue_id(self) -> str:
        return self.config.queue_id


@dataclass(frozen=True, slots=True)
class BreakSpec:
    start_min: float
    minutes: float
    reason: BreakReason = BreakReason.LUNCH


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    """Logged in from `start_min` to `end_min` local (past midnight when end <= start)."""

    start_min: float
    end_min: float
    weekdays: frozenset[int] = frozenset(range(7))
    breaks: tuple[BreakSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentGroup:
    """`count` identical agents of one site.

    Staffing: no shifts and no `per_interval` means logged in all the time; `shifts` log
    every agent of the group in on those days and hours; `per_interval` gives how many of
    the group are logged in during each interval (the first k agents).
    """

    name: str
    site_id: str
    count: int
    skills: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    capacity: Mapping[Channel, int] = field(default_factory=lambda: {Channel.VOICE: 1})
    shifts: tuple[ShiftSpec, ...] = ()
    per_interval: tuple[int, ...] | None = None
    price: GroupPrice | None = None


@dataclass(frozen=True, slots=True)
class LinkDown:
    """The site's agents disappear at `at` for `minutes`; contacts in hand requeued or dropped."""

    site_id: str
    at: float
    minutes: float
    in_progress: InProgress = InProgress.REQUEUE


@dataclass(frozen=True, slots=True)
class VolumeShock:
    """Arrivals multiplied by `factor` from `start` to `end` (queues: all when empty)."""

    factor: float
    start: float
    end: float
    queues: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ChannelShift:
    """A `fraction` of the contacts of `from_queue` go to `to_queue` (e.g. calls to chat)."""

    from_queue: str
    to_queue: str
    fraction: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class PartnerClosed:
    """Every site of the partner closed from local midnight of `first` to the end of `last`."""

    partner: str
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class BriefingRollout:
    """A blocking briefing about `queues`: each agent who may serve one of them is held back
    from them from the wave that reaches it (`rollout`) until it has read the briefing,
    `reading_s` after it finishes the contacts in hand (docs/briefings.md)."""

    queues: frozenset[str]
    rollout: Rollout
    reading_s: float = 120.0


type ScenarioEvent = LinkDown | VolumeShock | ChannelShift | PartnerClosed | BriefingRollout


@dataclass(frozen=True, slots=True)
class ReplayArrival:
    """A recorded arrival; missing handling or patience are drawn from the queue's law.

    `priority`: the customer's class, served before every lower class waiting in the same
    queue as the live engine does (`RoutingEngine.contact_arrived(priority=...)`); None is
    the queue's own priority. `kind`: the contact's reason for calling, which picks its
    handling law in the queue's `handling_by_kind` (when `handling_s` is not given)."""

    at: float
    queue: str
    handling_s: float | None = None
    patience_s: float | None = None
    priority: int | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    start: float
    duration_s: float
    sites: tuple[Site, ...]
    queues: tuple[QueueSpec, ...]
    agents: tuple[AgentGroup, ...]
    interval_s: float = 1800.0
    seed: int = 1
    replications: int = 10
    time_zone: str = "UTC"
    drain_s: float = 4 * 3600.0
    warm_up_s: float = 0.0
    agent_states: bool = True
    kpi: KpiConfig = field(default_factory=KpiConfig)
    partners: tuple[PartnerBilling, ...] = ()
    events: tuple[ScenarioEvent, ...] = ()
    replay: tuple[ReplayArrival, ...] | None = None
    #: the files of values read for it, with their malformed lines skipped (relais.core.importing)
    import_reports: tuple[ImportReport, ...] = field(default=(), compare=False)
    replay_report: ImportReport | None = None  # lines read and malformed lines skipped

    @property
    def end(self) -> float:
        return self.start + self.duration_s

    def queue(self, queue_id: str) -> QueueSpec:
        for spec in self.queues:
            if spec.queue_id == queue_id:
                return spec
        raise KeyError(queue_id)
