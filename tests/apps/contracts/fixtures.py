"""Atlas Contact's contract on the orders queue, and a way to write its months' log."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from relais.apps.contracts.models import Contract, ContractVersion, Statement
from relais.apps.contracts.storage import lines_write
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.core.contracts.lines import BasisItem, Line, Unit, lines_digest
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FEBRUARY = dt.date(2026, 2, 1)
MARCH = dt.date(2026, 3, 1)

TERMS: dict[str, Any] = {
    "currency": "EUR",
    "activities": [
        {
            "code": "orders",
            "queues": ["orders"],
            "hourly": {"price": "20.00"},
            "per_handled": {"tiers": [{"price": "1.50"}]},
            "per_resolved": {"tiers": [{"price": "1.00"}]},
            "clawback_days": 7,
        }
    ],
}


def paris(month: int, day: int, hour: float) -> dt.datetime:
    whole = int(hour)
    return dt.datetime(2026, month, day, whole, int((hour - whole) * 60), tzinfo=PARIS)


def atlas_contract(world: World, terms: dict[str, Any] | None = None) -> Contract:
    orders_queue(world)
    contract = Contract.objects.create(
        partner=world.atlas, reference="ATLAS-2026", starts_on=dt.date(2026, 1, 1)
    )
    ContractVersion.objects.create(
        contract=contract,
        number=1,
        valid_from=dt.date(2026, 1, 1),
        terms=terms or TERMS,
        created_at=paris(1, 1, 0),
    )
    return contract


def available(agent: Agent, start: dt.datetime, end: dt.datetime) -> None:
    for at, state in ((start, "available"), (end, "offline")):
        ContactEvent.objects.create(
            at=at,
            kind=EventKind.AGENT_STATE_CHANGED,
            agent=agent,
            data={"state": state, "reason": None},
            by_router=True,
        )


def handled(agent: Agent, arrived: dt.datetime, customer: str) -> Contact:
    accepted = arrived + dt.timedelta(seconds=10)
    return Contact.objects.create(
        channel="chat",
        queue=Queue.objects.get(code="orders"),
        priority=0,
        state=ContactState.CLOSED,
        created_at=arrived,
        queued_at=arrived,
        accepted_at=accepted,
        wrap_up_at=accepted + dt.timedelta(seconds=120),
        closed_at=accepted + dt.timedelta(seconds=180),
        agent=agent,
        site=agent.site,
        partner=agent.site.partner,
        customer_key=f"id:{customer}",
    )


def issued_statement(partner: Any, reference: str, *, state: str = "issued") -> Statement:
    """A contract and a February statement of one productive-hours line, written directly."""
    contract = Contract.objects.create(partner=partner, reference=reference, starts_on=FEBRUARY)
    version = ContractVersion.objects.create(
        contract=contract, number=1, valid_from=FEBRUARY, terms=TERMS, created_at=paris(1, 1, 0)
    )
    line = Line(
        activity="orders",
        unit=Unit.PRODUCTIVE_HOUR,
        label="",
        quantity=Decimal(2),
        unit_price=Decimal(20),
        amount=Decimal("40.00"),
        basis=(BasisItem(Decimal(2), agent_id="1"),),
    )
    statement = Statement.objects.create(
        contract=contract,
        version=version,
        month=FEBRUARY,
        state=state,
        currency="EUR",
        total=Decimal("40.00"),
        digest=lines_digest([line]),
        computed_at=paris(3, 1, 0),
        as_of=paris(3, 1, 0),
    )
    lines_write(statement, [line])
    return statement
