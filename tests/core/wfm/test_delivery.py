"""Delivered staffing per interval from a known state log and answered contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from relais.core.wfm.adherence import StateChange
from relais.core.wfm.delivery import AnsweredContact, delivery_by_interval

NINE = datetime(2026, 3, 3, 9, tzinfo=UTC)
HALF = timedelta(minutes=30)
STARTS = [NINE, NINE + HALF, NINE + 2 * HALF]


def test_agents_logged_in_productive_hours_and_service_level_per_interval() -> None:
    # given: agent a works 09:00-10:00 with a 15-minute break from 09:30; agent b logs in at
    # 09:15 and is disconnected at 09:45; three contacts answered, one of them late
    log = [
        StateChange("a", NINE, "available"),
        StateChange("a", NINE + HALF, "break", "lunch"),
        StateChange("a", NINE + HALF + timedelta(minutes=15), "busy"),
        StateChange("a", NINE + 2 * HALF, "offline"),
        StateChange("b", NINE + timedelta(minutes=15), "available"),
        StateChange("b", NINE + timedelta(minutes=45), "disconnected"),
    ]
    contacts = [
        AnsweredContact(NINE + timedelta(minutes=5), 10.0),
        AnsweredContact(NINE + timedelta(minutes=20), 45.0),
        AnsweredContact(NINE + timedelta(minutes=40), 3.0),
    ]

    # when
    rows = delivery_by_interval(
        STARTS, HALF, log, contacts, threshold_seconds=20, now=NINE + 3 * HALF
    )

    # then: 09:00 a 30 min + b 15 min = 1.5 agents, all productive; 1 of 2 within 20 s
    assert rows[0].agents_logged_in == pytest.approx(1.5)
    assert rows[0].productive_hours == pytest.approx(0.75)
    assert rows[0].service_level == pytest.approx(0.5)
    # 09:30: a 30 min logged in (15 of them on a break) + b 15 min
    assert rows[1].agents_logged_in == pytest.approx(1.5)
    assert rows[1].productive_hours == pytest.approx(0.5)
    assert rows[1].service_level == pytest.approx(1.0)
    # 10:00: nobody, nothing answered
    assert rows[2].agents_logged_in == pytest.approx(0.0)
    assert rows[2].service_level is None


def test_only_elapsed_time_is_measured() -> None:
    # given: one agent logged in since before the period; it is 09:45
    log = [StateChange("a", NINE - timedelta(hours=1), "available")]

    # when
    rows = delivery_by_interval(
        STARTS, HALF, log, [], threshold_seconds=20, now=NINE + timedelta(minutes=45)
    )

    # then: the interval in progress counts its elapsed quarter only; the next measures nothing
    assert rows[0].agents_logged_in == pytest.approx(1.0)
    assert rows[1].agents_logged_in == pytest.approx(1.0)
    assert rows[1].productive_hours == pytest.approx(0.25)
    assert rows[2].measured is False
    assert rows[2].agents_logged_in is None


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        delivery_by_interval(
            [datetime(2026, 3, 3, 9)],  # the naive time under test
            HALF,
            [],
            [],
            threshold_seconds=20,
            now=NINE,
        )
