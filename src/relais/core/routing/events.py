"""What the engine decided: typed, immutable records for the caller to persist or act on.

Every event carries `at`, engine time in seconds since the epoch (UTC); convert with
`relais.core.clock.to_datetime` at the edge. Ids are the caller's own.

Events are immutable records: `@event` makes them frozen for the type checker (mypy
rejects any assignment) and plain `__slots__` dataclasses at run time, because a frozen
dataclass's `__init__` costs four times as much and the simulator creates millions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import dataclass_transform

from relais.core.routing.model import AgentState, BreakReason, ContactId


@dataclass_transform(frozen_default=True)
def event[T](cls: type[T]) -> type[T]:
    """A frozen record for mypy, a fast `__slots__` dataclass at run time."""
    return dataclass(slots=True)(cls)


__all__ = [
    "AgentStateChanged",
    "CallbackOffered",
    "ContactAbandoned",
    "ContactCompleted",
    "ContactDropped",
    "ContactQueued",
    "ContactRefused",
    "ContactTransferred",
    "OfferAccepted",
    "OfferExpired",
    "OfferMade",
    "OfferRejected",
    "OfferWithdrawn",
    "OverflowStepReached",
    "RoutingEvent",
    "StepHoursChanged",
    "WrapUpEnded",
]


@event
class ContactQueued:
    """The contact waits in `queue_id` (again, with `requeued`, at its original place)."""

    at: float
    contact_id: ContactId
    queue_id: str
    step: int
    requeued: bool = False


@event
class ContactRefused:
    """The queue did not take the contact (`reason`: "closed")."""

    at: float
    contact_id: ContactId
    queue_id: str
    reason: str


@event
class OverflowStepReached:
    at: float
    contact_id: ContactId
    queue_id: str
    step: int
    early: bool  # reached before its time: the step before was passed at once (empty)


@event
class OfferMade:
    """The agent's capacity is reserved; accept before `expires_at` (inf: no timeout)."""

    at: float
    contact_id: ContactId
    agent_id: str
    queue_id: str
    step: int
    expires_at: float
    auto_accepted: bool = False  # True: no OfferAccepted follows, the contact is connected
    direct: bool = False  # a transfer to this agent, outside the queue's overflow steps


@event
class OfferAccepted:
    at: float
    contact_id: ContactId
    agent_id: str


@event
class OfferRejected:
    at: float
    contact_id: ContactId
    agent_id: str


@event
class OfferExpired:
    at: float
    contact_id: ContactId
    agent_id: str
    missed_in_a_row: int


@event
class OfferWithdrawn:
    """The offer ended without an answer: the agent logged out, or the customer hung up."""

    at: float
    contact_id: ContactId
    agent_id: str
    reason: str


@event
class ContactCompleted:
    """Handling ended; the agent's capacity stays held until `wrap_up_until`."""

    at: float
    contact_id: ContactId
    agent_id: str
    queue_id: str
    wrap_up_until: float


@event
class WrapUpEnded:
    at: float
    contact_id: ContactId
    agent_id: str


@event
class ContactAbandoned:
    at: float
    contact_id: ContactId
    queue_id: str
    waited_s: float


@event
class ContactDropped:
    """The agent handling it disappeared (logout with `InProgress.DROP`)."""

    at: float
    contact_id: ContactId
    agent_id: str


@event
class ContactTransferred:
    at: float
    contact_id: ContactId
    from_queue_id: str
    to_queue_id: str | None
    to_agent_id: str | None
    reason: str  # "transfer" or "exhausted"


@event
class CallbackOffered:
    """Every overflow step passed: offer the customer a callback (the contact keeps waiting)."""

    at: float
    contact_id: ContactId
    queue_id: str


@event
class AgentStateChanged:
    at: float
    agent_id: str
    state: AgentState
    reason: BreakReason | None = None


@event
class StepHoursChanged:
    at: float
    queue_id: str
    step: int
    open: bool


type RoutingEvent = (
    ContactQueued
    | ContactRefused
    | OverflowStepReached
    | OfferMade
    | OfferAccepted
    | OfferRejected
    | OfferExpired
    | OfferWithdrawn
    | ContactCompleted
    | WrapUpEnded
    | ContactAbandoned
    | ContactDropped
    | ContactTransferred
    | CallbackOffered
    | AgentStateChanged
    | StepHoursChanged
)
