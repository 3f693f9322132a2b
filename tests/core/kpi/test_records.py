from datetime import UTC, datetime, timedelta, timezone

import pytest

from relais.core.kpi import AgentState, from_epoch, to_epoch, to_epoch_or_none
from tests.core.kpi.factories import contact, span


def test_to_epoch_converts_aware_datetimes_in_any_zone():
    # given the same instant in UTC and in Rabat summer time (UTC+1)
    utc = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rabat = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    # then both convert to the same epoch seconds, and back to aware UTC
    assert to_epoch(utc) == to_epoch(rabat) == 1772442000.0
    assert from_epoch(to_epoch(rabat)) == utc
    assert from_epoch(0.0).tzinfo is UTC
    assert to_epoch_or_none(None) is None


def test_to_epoch_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        to_epoch(datetime(2026, 3, 2, 9, 0))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"answered_at": 5.0, "abandoned_at": 6.0}, "both answered and abandoned"),
        ({"arrived_at": 10.0, "answered_at": 5.0}, "answered before"),
        ({"arrived_at": 10.0, "abandoned_at": 5.0}, "abandoned before"),
        ({"ended_at": 5.0}, "ended_at needs an answer"),
        ({"answered_at": 5.0, "ended_at": 4.0}, "must not precede"),
        ({"talk_seconds": -1.0}, "negative"),
        ({"csat": 0}, "CSAT score 0"),
        ({"nps": 11}, "NPS score 11"),
    ],
)
def test_contact_record_refuses_inconsistent_values(fields, message):
    with pytest.raises(ValueError, match=message):
        contact(**fields)


def test_contact_record_states_and_wait():
    waiting = contact(arrived_at=10.0)
    in_handling = contact(arrived_at=10.0, answered_at=25.0)
    finished = contact(arrived_at=10.0, answered_at=25.0, ended_at=90.0)
    gone = contact(arrived_at=10.0, abandoned_at=14.0)
    assert [c.is_final for c in (waiting, in_handling, finished, gone)] == [
        False,
        False,
        True,
        True,
    ]
    assert [c.wait_seconds for c in (waiting, in_handling, gone)] == [None, 15.0, 4.0]


def test_contact_record_is_immutable_and_slotted():
    record = contact()
    with pytest.raises(AttributeError):
        record.queue = "sales"  # type: ignore[misc]
    assert not hasattr(record, "__dict__")


def test_state_span_refuses_end_before_start_and_closes_not_before_start():
    with pytest.raises(ValueError, match="ends before it starts"):
        span(AgentState.BUSY, 10.0, 5.0)
    open_span = span(AgentState.BUSY, 10.0, None, site="rabat")
    assert open_span.closed_at(30.0).end == 30.0
    assert open_span.closed_at(30.0).site == "rabat"
    assert open_span.closed_at(5.0).end == 10.0
