"""Contacts as columns give what records give: first-contact outcomes, order, fingerprints."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.contracts.contacts import (
    by_arrival,
    coded,
    contact_columns,
    objects,
)
from relais.core.contracts.lines import ContactBasis, Unit, lines_digest, priced_line
from relais.core.kpi import ContactRecord, FcrTracker
from relais.core.kpi.columns import PENDING, first_contact_outcomes

WINDOW = 7 * 86400.0
PRICE = Decimal("0.40")


@settings(deadline=None)  # the first numpy calls of a run are slow on a loaded machine
@given(
    st.lists(st.tuples(st.sampled_from("ABCD"), st.integers(0, 30)), max_size=40),
    st.one_of(st.none(), st.integers(0, 40)),
)
def test_first_contact_outcomes_are_the_trackers(
    contacts: list[tuple[str, int]], as_of: int | None
) -> None:
    # given contacts of a few customers, some arriving at the same moment (days)
    tracker: FcrTracker[int] = FcrTracker(WINDOW)
    for index, (customer, day) in enumerate(contacts):
        tracker.note(customer, day * 86400.0, True, index)
    expected = dict(tracker.outcomes(None if as_of is None else as_of * 86400.0))
    # when the same contacts are judged as columns
    outcomes = first_contact_outcomes(
        coded([customer for customer, _ in contacts]),
        np.array([day * 86400.0 for _, day in contacts]),
        window_seconds=WINDOW,
        as_of=None if as_of is None else as_of * 86400.0,
    )
    # then each contact's outcome is the tracker's
    found = {
        index: None if outcome == PENDING else bool(outcome)
        for index, outcome in enumerate(outcomes.tolist())
    }
    assert found == expected


def _handled(contact_id: str, arrived: float) -> ContactRecord:
    return ContactRecord(
        contact_id=contact_id,
        queue="q",
        channel="chat",
        arrived_at=arrived,
        answered_at=arrived,
        ended_at=arrived + 60,
        agent_id="1",
    )


def test_contacts_arrived_together_are_ordered_by_their_id() -> None:
    # given contacts, three arrived at the same moment
    records = [_handled("9", 50.0), _handled("b", 10.0), _handled("a", 10.0), _handled("10", 10.0)]
    columns = contact_columns(records)
    # when they are ordered by arrival
    rows = by_arrival(columns, columns.ended)
    # then ties are broken by contact id, as sorting records by (arrival, id) does
    ordered = sorted(records, key=lambda r: (r.arrived_at, r.contact_id))
    assert columns.contact_id[rows].tolist() == [r.contact_id for r in ordered]


@settings(deadline=None)  # the first numpy calls of a run are slow on a loaded machine
@given(
    st.lists(
        st.tuples(
            st.one_of(st.integers(1, 10**9).map(str), st.text(min_size=1, max_size=4)),
            st.one_of(st.none(), st.integers(1, 500).map(str)),
        ),
        max_size=20,
    )
)
def test_a_contact_line_has_the_same_fingerprint_from_columns_and_from_items(
    contacts: list[tuple[str, str | None]],
) -> None:
    # given contacts behind a line, as columns and as the same items one by one
    basis = ContactBasis(objects([c for c, _ in contacts]), objects([a for _, a in contacts]))
    line, items = (
        priced_line(
            activity="orders", unit=Unit.HANDLED_CONTACT, label="1+", unit_price=PRICE, basis=b
        )
        for b in (basis, tuple(basis))
    )
    # then the lines are equal, quantity and amount included, and so are their digests
    assert line == items
    assert (line.quantity, line.amount) == (items.quantity, items.amount)
    assert lines_digest([line]) == lines_digest([items])


@settings(deadline=None)  # the first numpy calls of a run are slow on a loaded machine
@given(st.lists(st.text(max_size=3), max_size=30))
def test_equal_customers_get_equal_numbers_and_only_they(keys: list[str]) -> None:
    # when customers' keys are numbered
    numbers = coded(keys).tolist()
    # then two contacts share a number exactly when they share a customer
    assert all(
        (numbers[i] == numbers[j]) == (keys[i] == keys[j])
        for i in range(len(keys))
        for j in range(len(keys))
    )
