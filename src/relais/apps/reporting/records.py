"""From the record (contacts, the event log) to the KPI module's inputs.

Live supervision and the interval statistics read the same rows through these functions,
so both compute every figure with `relais.core.kpi` from the same records:

- a `Contact` row becomes a `ContactRecord`: arrival = queued (created if never queued),
  answer = accepted, end = closed (handled), talk = accepted → wrap-up (or close),
  wrap-up = wrap-up → close; site, partner and team are those of the agent who answered.
  Refused contacts (queue closed) never waited and are left out, as are contacts dropped
  before an answer. A contact back in a queue (transferred, re-queued) is waiting again.
- agent state spans come from the event log: the router's `agent.state_changed` decisions
  and the presence requests (log in / out, break start / end), whichever comes first; a
  repeat of the current state changes nothing. The `disconnected` state (the router's, when
  an agent's desktop connection stayed lost past the grace) counts like `offline`: neither
  available nor handling, so outside occupancy; so does any state the KPIs do not know,
  rather than stopping the statistics. A connection lost within the grace
  (`agent.connection_lost`) changes no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from relais.apps.interactions.models import CloseReason, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.core.kpi import AgentState, ContactRecord, KpiConfig, StateSpan, to_epoch

CONTACT_FIELDS = (
    "id",
    "queue__code",
    "channel",
    "state",
    "close_reason",
    "created_at",
    "queued_at",
    "accepted_at",
    "wrap_up_at",
    "closed_at",
    "abandoned_at",
    "transferred_at",
    "agent_id",
    "customer_reference",
)
EVENT_FIELDS = ("id", "at", "kind", "contact_id", "agent_id", "data")
WAITING_STATES = (ContactState.CREATED, ContactState.QUEUED, ContactState.OFFERED)
AGENT_EVENT_KINDS = (
    EventKind.AGENT_STATE_CHANGED,
    EventKind.AGENT_LOGGED_IN,
    EventKind.AGENT_LOGGED_OUT,
    EventKind.AGENT_BREAK_STARTED,
    EventKind.AGENT_BREAK_ENDED,
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where an agent works, as KPI group values (primary keys as strings)."""

    site: str
    site_kind: str
    partner: str | None
    team: str | None


def agent_places() -> dict[str, Place]:
    rows = Agent.objects.values_list("pk", "site_id", "site__kind", "site__partner_id", "team_id")
    return {
        str(pk): Place(
            site=str(site),
            site_kind=kind,
            partner=None if partner is None else str(partner),
            team=None if team is None else str(team),
        )
        for pk, site, kind, partner, team in rows
    }


def kpi_config() -> KpiConfig:
    """Each queue's service-level threshold; FCR is left to the quality reports."""
    thresholds = dict(Queue.objects.values_list("code", "service_level_seconds"))
    return KpiConfig(
        service_level_seconds_by_queue={code: float(s) for code, s in thresholds.items()},
        fcr_window_seconds=None,
    )


def _time_seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> float:
    if later is None or earlier is None:
        return 0.0
    return max(0.0, (later - earlier).total_seconds())


def contact_record(row: dict[str, Any], places: dict[str, Place]) -> ContactRecord | None:
    """The KPI record of one contact row (values of CONTACT_FIELDS); None: not counted."""
    state, reason = row["state"], row["close_reason"]
    if reason == CloseReason.QUEUE_CLOSED or state == ContactState.SCHEDULED:
        return None  # refused, or a callback whose time has not come
    arrived_at = row["queued_at"] or row["created_at"]
    arrived = to_epoch(arrived_at)
    waiting = state in WAITING_STATES
    accepted = None if waiting else row["accepted_at"]
    if state == ContactState.CLOSED and reason == CloseReason.DROPPED and accepted is None:
        return None
    agent = None if accepted is None or row["agent_id"] is None else str(row["agent_id"])
    place = places.get(agent) if agent is not None else None
    ended = row["closed_at"] if state == ContactState.CLOSED and accepted is not None else None
    talk_end = row["wrap_up_at"] or ended
    return ContactRecord(
        contact_id=str(row["id"]),
        queue=row["queue__code"],
        channel=row["channel"],
        arrived_at=arrived,
        answered_at=None if accepted is None else max(arrived, to_epoch(accepted)),
        abandoned_at=(
            max(arrived, to_epoch(row["abandoned_at"]))
            if state == ContactState.ABANDONED and row["abandoned_at"] is not None
            else None
        ),
        ended_at=None if ended is None else max(arrived, to_epoch(ended)),
        talk_seconds=_time_seconds(talk_end, accepted) if ended is not None else 0.0,
        wrap_up_seconds=_time_seconds(ended, row["wrap_up_at"]) if ended is not None else 0.0,
        agent_id=agent,
        site=None if place is None else place.site,
        site_kind=None if place is None else place.site_kind,
        partner=None if place is None else place.partner,
        team=None if place is None else place.team,
        customer_ref=row["customer_reference"] or None,
        transferred=row["transferred_at"] is not None,
    )


def contact_records(
    rows: Iterable[dict[str, Any]], places: dict[str, Place]
) -> Iterator[ContactRecord]:
    for row in rows:
        record = contact_record(row, places)
        if record is not None:
            yield record


def state_of(kind: str, data: dict[str, Any]) -> tuple[AgentState, str | None] | None:
    """The agent state an event of the log puts the agent in (None: not an agent event)."""
    if kind == EventKind.AGENT_STATE_CHANGED:
        return _known_state(data.get("state")), data.get("reason") or None
    if kind == EventKind.AGENT_LOGGED_IN:
        reason = data.get("break_reason")
        return (AgentState.BREAK, reason) if reason else (AgentState.AVAILABLE, None)
    if kind == EventKind.AGENT_LOGGED_OUT:
        return AgentState.OFFLINE, None
    if kind == EventKind.AGENT_BREAK_STARTED:
        return AgentState.BREAK, data.get("reason") or "other"
    if kind == EventKind.AGENT_BREAK_ENDED:
        return AgentState.AVAILABLE, None
    return None


def _known_state(value: str | None) -> AgentState:
    """The state as the KPIs know it; one they do not know counts as offline."""
    try:
        return AgentState(value or AgentState.OFFLINE)
    except ValueError:
        return AgentState.OFFLINE


@dataclass(slots=True)
class CurrentState:
    state: AgentState
    reason: str | None
    since: float


class SpanTracker:
    """Agents' current states; `change` returns the open span a real change starts."""

    def __init__(self, places: dict[str, Place]) -> None:
        self.places = places
        self.current: dict[str, CurrentState] = {}

    def change(
        self, agent_id: str, state: AgentState, reason: str | None, at: float
    ) -> StateSpan | None:
        previous = self.current.get(agent_id)
        if previous is not None:
            if (previous.state, previous.reason) == (state, reason):
                return None
            at = max(at, previous.since)
        self.current[agent_id] = CurrentState(state, reason, at)
        return self.span(agent_id, state, reason, at)

    def span(
        self,
        agent_id: str,
        state: AgentState,
        reason: str | None,
        start: float,
        end: float | None = None,
    ) -> StateSpan:
        place = self.places.get(agent_id)
        return StateSpan(
            agent_id=agent_id,
            state=state,
            start=start,
            end=end,
            reason=reason,
            site=None if place is None else place.site,
            site_kind=None if place is None else place.site_kind,
            partner=None if place is None else place.partner,
            team=None if place is None else place.team,
        )

    def apply_event(self, row: dict[str, Any]) -> StateSpan | None:
        if row["agent_id"] is None:
            return None
        change = state_of(row["kind"], row["data"] or {})
        if change is None:
            return None
        return self.change(str(row["agent_id"]), change[0], change[1], to_epoch(row["at"]))
