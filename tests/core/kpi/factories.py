"""Small builders of KPI records with sensible defaults, for readable tests."""

from __future__ import annotations

from typing import Any

from relais.core.kpi import AgentState, ContactRecord, StateSpan

_counter = iter(range(1, 10**9))


def contact(**fields: Any) -> ContactRecord:
    """A contact on queue "billing" by chat, arrived at 0, with a fresh id unless given."""
    values: dict[str, Any] = {
        "contact_id": f"c{next(_counter)}",
        "queue": "billing",
        "channel": "chat",
        "arrived_at": 0.0,
    }
    values.update(fields)
    return ContactRecord(**values)


def handled(arrived_at: float, wait: float, talk: float = 100.0, **fields: Any) -> ContactRecord:
    """A contact answered after `wait` seconds and finished after `talk` seconds of talk."""
    answered_at = arrived_at + wait
    return contact(
        arrived_at=arrived_at,
        answered_at=answered_at,
        ended_at=answered_at + talk,
        talk_seconds=talk,
        **fields,
    )


def abandoned(arrived_at: float, wait: float, **fields: Any) -> ContactRecord:
    """A contact abandoned after `wait` seconds in queue."""
    return contact(arrived_at=arrived_at, abandoned_at=arrived_at + wait, **fields)


def span(
    state: AgentState, start: float, end: float | None, agent_id: str = "a1", **fields: Any
) -> StateSpan:
    return StateSpan(agent_id=agent_id, state=state, start=start, end=end, **fields)
