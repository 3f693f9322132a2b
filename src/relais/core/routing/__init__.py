"""The routing engine: which agent, of which site or partner, gets which contact.

Pure Python, deterministic, driven by a `relais.core.clock.Clock`; the live router service
and the simulator run the same code. See docs/routing.md.
"""

from __future__ import annotations

from relais.core.routing.engine import RoutingEngine
from relais.core.routing.errors import RoutingError, RoutingErrorCode
from relais.core.routing.events import (
    AgentStateChanged,
    CallbackOffered,
    ContactAbandoned,
    ContactCompleted,
    ContactDropped,
    ContactQueued,
    ContactRefused,
    ContactTransferred,
    OfferAccepted,
    OfferExpired,
    OfferMade,
    OfferRejected,
    OfferWithdrawn,
    OverflowStepReached,
    RoutingEvent,
    StepHoursChanged,
    WrapUpEnded,
)
from relais.core.routing.hours import ALWAYS, AllOf, AnyOf, Schedule, WeeklyHours, Window, weekly
from relais.core.routing.model import (
    AgentProfile,
    AgentState,
    BreakReason,
    Channel,
    ContactId,
    ContactState,
    Exhausted,
    ExhaustedAction,
    InProgress,
    OverflowStep,
    QueueConfig,
    ServiceLevel,
    Site,
    SiteKind,
    Strategy,
    Target,
)
from relais.core.routing.reads import QueueStatus, WaitEstimate

__all__ = [
    "ALWAYS",
    "AgentProfile",
    "AgentState",
    "AgentStateChanged",
    "AllOf",
    "AnyOf",
    "BreakReason",
    "CallbackOffered",
    "Channel",
    "ContactAbandoned",
    "ContactCompleted",
    "ContactDropped",
    "ContactId",
    "ContactQueued",
    "ContactRefused",
    "ContactState",
    "ContactTransferred",
    "Exhausted",
    "ExhaustedAction",
    "InProgress",
    "OfferAccepted",
    "OfferExpired",
    "OfferMade",
    "OfferRejected",
    "OfferWithdrawn",
    "OverflowStep",
    "OverflowStepReached",
    "QueueConfig",
    "QueueStatus",
    "RoutingEngine",
    "RoutingError",
    "RoutingErrorCode",
    "RoutingEvent",
    "Schedule",
    "ServiceLevel",
    "Site",
    "SiteKind",
    "StepHoursChanged",
    "Strategy",
    "Target",
    "WaitEstimate",
    "WeeklyHours",
    "Window",
    "WrapUpEnded",
    "weekly",
]
