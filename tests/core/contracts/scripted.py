"""A scripted month and its terms, with every amount computed by hand in the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relais.core.contracts.evaluation import MonthInputs, QualityScore
from relais.core.kpi import AgentState, ContactRecord, StateSpan

MARCH = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
APRIL = datetime(2026, 4, 1, tzinfo=UTC).timestamp()
AS_OF = datetime(2026, 4, 15, tzinfo=UTC).timestamp()
HOUR = 3600.0
DAY = 86400.0

TERMS: dict[str, Any] = {
    "currency": "EUR",
    "interval_minutes": 30,
    "activities": [
        {
            "code": "orders",
            "queues": ["commandes"],
            "hourly": {
                "price": "20.00",
                "break_allowance_minutes": 5,
                "request_tolerance": "0.10",
                "under_staffing_price": "15",
                "downtime_share": "0.5",
                "training_price": "12",
            },
            "per_handled": {
                "tiers": [
                    {"up_to": 2, "price": "1.00"},
                    {"up_to": 4, "price": "0.80"},
                    {"price": "0.50"},
                ]
            },
            "per_resolved": {
                "mode": "volume",
                "tiers": [{"up_to": 2, "price": "2.00"}, {"price": "1.50"}],
            },
            "clawback_days": 7,
            "targets": [
                {
                    "kpi": "service_level",
                    "per": "day",
                    "threshold_seconds": 20,
                    "bands": [{"at_least": 0.8, "amount": "10"}, {"below": 0.8, "amount": "-30"}],
                    "penalty_cap": "40",
                    "forecast_tolerance": "0.2",
                },
                {
                    "kpi": "csat",
                    "per": "month",
                    "bands": [{"at_least": 0.9, "percent": "5"}],
                    "bonus_cap": "3",
                },
            ],
        },
        {
            "code": "returns",
            "queues": ["retours"],
            "per_handled": {
                "mode": "volume",
                "tiers": [{"up_to": 10, "price": "3.00"}, {"price": "2.00"}],
            },
            "minimum_amount": "50",
            "targets": [
                {"kpi": "quality", "per": "month", "bands": [{"at_least": 80, "amount": "5"}]}
            ],
        },
    ],
}


def at(day: int, hour: float, seconds: float = 0.0) -> float:
    return MARCH + (day - 1) * DAY + hour * HOUR + seconds


def span(
    agent: str, state: AgentState, start: float, end: float, reason: str | None = None
) -> StateSpan:
    return StateSpan(agent_id=agent, state=state, start=start, end=end, reason=reason)


def handled(
    cid: str,
    queue: str,
    arrived: float,
    wait: float,
    customer: str | None = None,
    csat: int | None = None,
) -> ContactRecord:
    return ContactRecord(
        contact_id=cid,
        queue=queue,
        channel="chat",
        arrived_at=arrived,
        answered_at=arrived + wait,
        ended_at=arrived + wait + 300,
        talk_seconds=300,
        agent_id="1",
        customer_ref=customer,
        csat=csat,
    )


def abandoned(cid: str, queue: str, arrived: float, wait: float) -> ContactRecord:
    return ContactRecord(
        contact_id=cid, queue=queue, channel="chat", arrived_at=arrived, abandoned_at=arrived + wait
    )


def scripted_month(**changes: Any) -> MonthInputs:
    contacts = [
        handled("1", "commandes", at(1, 8), 10, "A", csat=5),
        handled("2", "commandes", at(1, 8, 60), 15, "B", csat=4),
        handled("3", "commandes", at(1, 8, 120), 30, "C", csat=5),
        handled("4", "commandes", at(1, 8, 180), 5, "D"),
        handled("5", "commandes", at(1, 8, 240), 25),
        handled("6", "commandes", at(2, 9), 10, "A"),
        abandoned("7", "commandes", at(2, 9, 60), 40),
        abandoned("8", "commandes", at(2, 9, 120), 2),
        handled("9", "commandes", at(3, 9), 5, "E"),
        handled("10", "commandes", at(4, 9), 50),
        handled("11", "commandes", at(4, 9, 60), 60),
        handled("r1", "retours", at(5, 9), 5),
        handled("r2", "retours", at(5, 9, 60), 5),
    ]
    customers = [(c.contact_id, c.customer_ref, c.arrived_at) for c in contacts if c.customer_ref]
    customers += [("x1", "D", at(20, 9)), ("x2", "C", at(4, 9))]  # another queue's contacts
    values: dict[str, Any] = {
        "start": MARCH,
        "end": APRIL,
        "as_of": AS_OF,
        "contacts": contacts,
        "customer_contacts": customers,
        "spans": [
            span("1", AgentState.AVAILABLE, at(1, 8), at(1, 10)),
            span("1", AgentState.BREAK, at(1, 10), at(1, 10.5), "lunch"),
            span("1", AgentState.BUSY, at(1, 10.5), at(1, 11)),
            span("1", AgentState.BREAK, at(1, 11), at(1, 11.5), "technical_incident"),
            span("1", AgentState.BREAK, at(1, 11.5), at(1, 12), "training"),
            span("1", AgentState.OFFLINE, at(1, 12), at(2, 8)),
            span("2", AgentState.AVAILABLE, at(1, 8), at(1, 9)),
        ],
        "agent_activity": {"1": "orders", "2": "orders"},
        "requested": {("orders", at(1, 8)): 1, ("orders", at(1, 8.5)): 2, ("orders", at(1, 9)): 2},
        "committed": {("orders", at(1, 8)): 1, ("orders", at(1, 9)): 2},
        "forecast": {("orders", at(1, 8)): 3.0},
        "quality": [
            QualityScore("retours", at(6, 9), 90.0),
            QualityScore("retours", at(7, 9), 70.0),
        ],
        "days": [MARCH + index * DAY for index in range(31)],
    }
    values.update(changes)
    return MonthInputs(**values)
