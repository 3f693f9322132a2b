"""Input records of the KPI module: contacts and agent state spans.

Times are floats of seconds since the UTC epoch (fast to compare and subtract over a million
records); `to_epoch` / `from_epoch` convert from and to aware datetimes at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


def to_epoch(moment: datetime) -> float:
    """Seconds since the UTC epoch of an aware datetime; a naive one is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} refused: KPI times must be aware")
    return moment.timestamp()


def to_epoch_or_none(moment: datetime | None) -> float | None:
    """`to_epoch`, letting None through (a contact not answered, a span still open)."""
    return None if moment is None else to_epoch(moment)


def from_epoch(seconds: float) -> datetime:
    """The aware UTC datetime of an epoch time."""
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactRecord:
    """One contact, finished or in progress, as the KPIs see it.

    - waiting: `answered_at` and `abandoned_at` are None;
    - in handling: `answered_at` is set, `ended_at` (end of wrap-up) is None;
    - handled: `answered_at` and `ended_at` are set; talk / hold / wrap-up are final;
    - abandoned: `abandoned_at` is set (the customer left the queue before an answer).

    `arrived_at` is the time the contact was queued. Site, partner, team and agent are those
    of the agent who answered (None while nobody has). `csat` (1-5) and `nps` (0-10) are the
    scores of the customer's survey about this contact, when answered.
    """

    contact_id: str
    queue: str
    channel: str
    arrived_at: float
    answered_at: float | None = None
    abandoned_at: float | None = None
    ended_at: float | None = None
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    agent_id: str | None = None
    site: str | None = None
    site_kind: str | None = None
    partner: str | None = None
    team: str | None = None
    customer_ref: str | None = None
    transferred: bool = False
    csat: int | None = None
    nps: int | None = None

    def __post_init__(self) -> None:
        problem = _contact_problem(self)
        if problem is not None:
            raise ValueError(f"contact {self.contact_id!r}: {problem}")

    @property
    def is_final(self) -> bool:
        """True once nothing about the contact will change (handled or abandoned)."""
        return self.abandoned_at is not None or self.ended_at is not None

    @property
    def wait_seconds(self) -> float | None:
        """Time in queue until the answer or the abandon; None while still waiting."""
        if self.answered_at is not None:
            return self.answered_at - self.arrived_at
        if self.abandoned_at is not None:
            return self.abandoned_at - self.arrived_at
        return None


def _contact_problem(contact: ContactRecord) -> str | None:
    if contact.answered_at is not None and contact.abandoned_at is not None:
        return "cannot be both answered and abandoned"
    if contact.answered_at is not None and contact.answered_at < contact.arrived_at:
        return "answered before it arrived"
    if contact.abandoned_at is not None and contact.abandoned_at < contact.arrived_at:
        return "abandoned before it arrived"
    if contact.ended_at is not None and (
        contact.answered_at is None or contact.ended_at < contact.answered_at
    ):
        return "ended_at needs an answer and must not precede it"
    if min(contact.talk_seconds, contact.hold_seconds, contact.wrap_up_seconds) < 0:
        return "talk, hold and wrap-up seconds must not be negative"
    if contact.csat is not None and not 1 <= contact.csat <= 5:
        return f"CSAT score {contact.csat} is outside 1-5"
    if contact.nps is not None and not 0 <= contact.nps <= 10:
        return f"NPS score {contact.nps} is outside 0-10"
    return None


class AgentState(StrEnum):
    """Agent states as the KPIs classify them (map the router's richer states onto these)."""

    OFFLINE = "offline"
    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    BREAK = "break"
    DISCONNECTED = "disconnected"  # logged out because the connection was lost: not staffed


HANDLING_STATES = frozenset({AgentState.BUSY, AgentState.WRAP_UP})
"""States whose time is handling time (numerator of occupancy)."""

UNAVAILABLE_STATES = frozenset({AgentState.BREAK})
"""Logged-in states lost to contacts (lunch, prayer, training, coaching...): in-shift shrinkage."""

OUT_OF_SERVICE = frozenset({AgentState.OFFLINE, AgentState.DISCONNECTED})
"""Not logged in: logged out, or out of routing because the connection was lost."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StateSpan:
    """An agent in one state from `start` to `end` (None while the span is still open).

    Site, site kind, partner and team let spans be grouped like contacts; queue and channel
    do not apply to an agent's state, so grouping by them ignores spans.
    """

    agent_id: str
    state: AgentState
    start: float
    end: float | None = None
    reason: str | None = None
    site: str | None = None
    site_kind: str | None = None
    partner: str | None = None
    team: str | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"state span of agent {self.agent_id!r} ends before it starts")

    def closed_at(self, end: float) -> StateSpan:
        """The same span closed at `end` (not before its start)."""
        return StateSpan(
            agent_id=self.agent_id,
            state=self.state,
            start=self.start,
            end=max(end, self.start),
            reason=self.reason,
            site=self.site,
            site_kind=self.site_kind,
            partner=self.partner,
            team=self.team,
        )
