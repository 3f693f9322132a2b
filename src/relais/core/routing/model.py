"""The routing configuration the caller gives the engine: sites, queues, agents.

All of it is immutable input (frozen dataclasses); the engine keeps its own runtime state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from relais.core.routing.hours import Schedule
from relais.core.routing.split import VolumeSplit

__all__ = [
    "DEFERRABLE_CHANNELS",
    "REAL_TIME_CHANNELS",
    "AgentProfile",
    "AgentState",
    "BreakReason",
    "Channel",
    "ContactId",
    "ContactState",
    "Exhausted",
    "ExhaustedAction",
    "InProgress",
    "OverflowStep",
    "QueueConfig",
    "ServiceLevel",
    "Site",
    "SiteKind",
    "Strategy",
    "Target",
]


type ContactId = int | str


class Channel(IntEnum):
    """A contact's medium. Integer values index the engine's per-channel arrays."""

    VOICE = 0
    CHAT = 1
    EMAIL = 2
    CALLBACK = 3
    OUTBOUND = 4

    def __str__(self) -> str:
        return self.name.lower()


#: Channels where the agent talks to the customer: one at a time, and nothing else meanwhile
#: (unless the other contacts' queues allow it: `QueueConfig.chats_during_calls`).
REAL_TIME_CHANNELS = frozenset({Channel.VOICE, Channel.CALLBACK, Channel.OUTBOUND})
#: Contacts that wait in line while their queue is closed, instead of being refused: the
#: customer is not there waiting (a message left, a callback asked for).
DEFERRABLE_CHANNELS = frozenset({Channel.EMAIL, Channel.CALLBACK})


class SiteKind(StrEnum):
    INSHORE = "inshore"
    NEARSHORE = "nearshore"
    OFFSHORE = "offshore"
    HOMESHORE = "homeshore"


class AgentState(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    BREAK = "break"
    DISCONNECTED = "disconnected"  # out of routing because the agent's connection was lost


class BreakReason(StrEnum):
    LUNCH = "lunch"
    PRAYER = "prayer"
    TRAINING = "training"
    COACHING = "coaching"
    TECHNICAL_INCIDENT = "technical_incident"
    MISSED_OFFERS = "missed_offers"
    OTHER = "other"


class ContactState(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    CONNECTED = "connected"
    WRAP_UP = "wrap_up"


class Strategy(StrEnum):
    """How a queue chooses among the eligible agents who can take a contact now."""

    LONGEST_IDLE = "longest_idle"
    BEST_SKILL = "best_skill"
    LEAST_OCCUPIED = "least_occupied"
    ROUND_ROBIN = "round_robin"


class ExhaustedAction(StrEnum):
    """What happens to a contact still waiting `Exhausted.after_s` after it was queued."""

    KEEP_WAITING = "keep_waiting"
    OFFER_CALLBACK = "offer_callback"
    MOVE_TO_QUEUE = "move_to_queue"


class InProgress(StrEnum):
    """What a logout does to the contacts an agent is handling."""

    REQUEUE = "requeue"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class Site:
    site_id: str
    kind: SiteKind = SiteKind.INSHORE
    partner: str | None = None  # None: the company's own site
    time_zone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Target:
    """Agents on any of these sites, partners or site kinds (a union).

    `internal=True` adds the company's own sites (those without a partner). A target with
    nothing set means anyone.
    """

    sites: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    site_kinds: frozenset[SiteKind] = frozenset()
    internal: bool = False

    @property
    def anyone(self) -> bool:
        return not (self.sites or self.partners or self.site_kinds or self.internal)

    def matches(self, site: Site) -> bool:
        if self.anyone:
            return True
        return (
            site.site_id in self.sites
            or (site.partner is not None and site.partner in self.partners)
            or site.kind in self.site_kinds
            or (self.internal and site.partner is None)
        )


@dataclass(frozen=True, slots=True)
class OverflowStep:
    """After `after_s` seconds of waiting, the agents of `target` become eligible too.

    Steps widen: a contact at step k may go to any agent matching an *open* step j <= k.
    `skill_levels` relaxes (or tightens) the queue's minimum levels for this step's agents;
    `hours` restricts the step to a time window (closed: its agents are not eligible).
    With `skip_if_empty`, a step whose agents are all logged out, or which is closed, is
    passed at once when reached, and the next step is reached immediately.
    """

    after_s: float = 0.0
    target: Target = field(default_factory=Target)
    skill_levels: Mapping[str, int] | None = None
    hours: Schedule | None = None
    skip_if_empty: bool = True


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    """E.g. 80 % of contacts answered within 20 s."""

    fraction: float = 0.8
    within_s: float = 20.0


@dataclass(frozen=True, slots=True)
class Exhausted:
    action: ExhaustedAction = ExhaustedAction.KEEP_WAITING
    after_s: float = 0.0  # since the contact was queued
    queue_id: str | None = None  # for MOVE_TO_QUEUE


@dataclass(frozen=True, slots=True)
class QueueConfig:
    queue_id: str
    channel: Channel = Channel.VOICE
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> minimum level
    language: str | None = None
    priority: int = 0  # higher is served first
    service_level: ServiceLevel = field(default_factory=ServiceLevel)
    hours: Schedule | None = None  # None: always open
    strategy: Strategy = Strategy.LONGEST_IDLE
    offer_timeout_s: float = 15.0
    wrap_up_s: float = 0.0
    expected_handle_s: float = 180.0  # seeds the handle-time average used for the EWT
    steps: tuple[OverflowStep, ...] = (OverflowStep(),)
    exhausted: Exhausted = field(default_factory=Exhausted)
    # A queue of a channel that is not real-time (chat, e-mail): its contacts may be offered
    # to an agent on a call, and an agent holding only such contacts may be offered a call.
    # Otherwise a call blocks every other contact, and any contact in hand blocks a call.
    chats_during_calls: bool = False
    # Target shares of the queue's contacts by partner or site (see `split.py`).
    split: VolumeSplit | None = None

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"queue {self.queue_id}: at least one overflow step is needed")
        if self.steps[0].after_s != 0:
            raise ValueError(f"queue {self.queue_id}: the first step must start at 0 s")
        for before, after in zip(self.steps, self.steps[1:], strict=False):
            if after.after_s < before.after_s:
                raise ValueError(f"queue {self.queue_id}: overflow steps must be in time order")
        if self.exhausted.action is ExhaustedAction.MOVE_TO_QUEUE and not self.exhausted.queue_id:
            raise ValueError(f"queue {self.queue_id}: move_to_queue needs a queue_id")

    def levels_at(self, step: int) -> Mapping[str, int]:
        relaxed = self.steps[step].skill_levels
        return self.skills if relaxed is None else relaxed


@dataclass(frozen=True, slots=True)
class AgentProfile:
    agent_id: str
    site_id: str
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> level (1..n)
    languages: frozenset[str] = frozenset()
    capacity: Mapping[Channel, int] = field(default_factory=lambda: {Channel.VOICE: 1})
    # Queues the agent is held back from, whatever its skills: e.g. until it acknowledges a
    # blocking briefing about them (`relais.core.routing.holds`, docs/briefings.md).
    held_queues: frozenset[str] = frozenset()
