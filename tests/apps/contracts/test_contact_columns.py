"""The month's contacts as columns are what `contact_record` gives, on either database
(on PostgreSQL they are read raw and its rules applied to whole columns); a contact line
stored from columns reads back the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from relais.apps.contracts.contact_columns import month_contact_columns
from relais.apps.contracts.models import StatementBasis
from relais.apps.contracts.storage import lines_write, statement_lines_read
from relais.apps.interactions.models import CloseReason, Contact, ContactState
from relais.apps.reporting.records import CONTACT_FIELDS, agent_places, contact_record
from relais.apps.routing.models import Queue
from relais.core.contracts.contacts import contact_columns, objects
from relais.core.contracts.lines import ContactBasis, Unit, lines_digest, priced_line
from tests.apps.conftest import World
from tests.apps.contracts.fixtures import atlas_contract, issued_statement, paris


def _contact(world: World, minute: int, **fields: Any) -> None:
    arrived = paris(3, 2, 9) + dt.timedelta(minutes=minute)
    agent = world.agents["rabat0"]
    values: dict[str, Any] = {
        "channel": "chat",
        "queue": Queue.objects.get(code="orders"),
        "priority": 0,
        "state": ContactState.CLOSED,
        "created_at": arrived,
        "queued_at": arrived,
        "accepted_at": arrived + dt.timedelta(seconds=12.5),
        "closed_at": arrived + dt.timedelta(seconds=200),
        "agent": agent,
        "site": agent.site,
        "partner": agent.site.partner,
    }
    values.update(fields)
    Contact.objects.create(**values)


def test_contacts_read_as_columns_are_their_records(world: World) -> None:
    # given contacts in every state a month can hold
    atlas_contract(world)
    _contact(world, 0, customer_reference="K1")
    _contact(world, 1, close_reason=CloseReason.HANDLED, queued_at=None)
    _contact(world, 2, accepted_at=paris(3, 2, 8))  # accepted before it was queued
    _contact(world, 3, closed_at=None)
    _contact(world, 4, state=ContactState.WRAP_UP, closed_at=None)
    _contact(world, 5, state=ContactState.QUEUED, agent=None, closed_at=None)
    _contact(
        world,
        6,
        state=ContactState.ABANDONED,
        accepted_at=None,
        agent=None,
        abandoned_at=paris(3, 2, 9.5),
        closed_at=None,
    )
    _contact(world, 7, state=ContactState.ABANDONED, accepted_at=None, agent=None, closed_at=None)
    _contact(world, 8, close_reason=CloseReason.DROPPED, accepted_at=None)
    _contact(world, 9, close_reason=CloseReason.DROPPED)
    _contact(world, 10, close_reason=CloseReason.QUEUE_CLOSED, accepted_at=None, agent=None)
    _contact(world, 11, state=ContactState.SCHEDULED, accepted_at=None, agent=None)
    _contact(world, 12, state=ContactState.OFFERED, closed_at=None)
    rows = Contact.objects.order_by("pk")
    # when they are read as columns
    columns = month_contact_columns(rows)
    # then the columns are those of their KPI records, one by one
    places = agent_places()
    records = [contact_record(row, places) for row in rows.values(*CONTACT_FIELDS)]
    expected = contact_columns([record for record in records if record is not None])
    assert len(columns) == len(expected) == 10
    order = np.argsort([int(pk) for pk in columns.contact_id.tolist()])
    assert columns.contact_id[order].tolist() == expected.contact_id.tolist()
    assert [columns.queues[q] for q in columns.queue[order]] == ["orders"] * 10
    for name in ("arrived_at", "answered_at", "abandoned_at", "csat"):
        np.testing.assert_array_equal(getattr(columns, name)[order], getattr(expected, name))
    for name in ("ended", "agent_id", "customer_ref"):
        assert getattr(columns, name)[order].tolist() == getattr(expected, name).tolist()


def test_a_contact_line_reads_back_as_it_was_written(world: World) -> None:
    # given a statement and a contact line written under it, one contact without agent
    statement = issued_statement(world.atlas, "ATLAS-RT")
    basis = ContactBasis(objects(["7", "12", "40"]), objects(["3", None, "3"]))
    line = priced_line(
        activity="orders",
        unit=Unit.HANDLED_CONTACT,
        label="1+",
        unit_price=Decimal("1.50"),
        basis=basis,
    )
    lines_write(statement, [line], first_position=2)
    # when its lines are read back
    read = statement_lines_read(statement)
    # then the contact line is the same, down to its digest, and counts per agent are rows
    assert read[1] == line
    assert lines_digest(read[1:]) == lines_digest([line])
    counts = StatementBasis.objects.filter(line__statement=statement, line__position=2)
    assert sorted(counts.values_list("agent_id", "quantity"), key=str) == [
        (3, Decimal(2)),
        (None, Decimal(1)),
    ]
