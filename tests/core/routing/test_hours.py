"""Opening hours in IANA time zones, across daylight-saving changes, and the Rabat evening."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from relais.core.clock import VirtualClock, from_datetime
from relais.core.routing import (
    AgentProfile,
    AllOf,
    AnyOf,
    ContactRefused,
    OfferMade,
    OverflowStep,
    QueueConfig,
    RoutingEngine,
    StepHoursChanged,
    Target,
    weekly,
)
from relais.core.routing.hours import ALWAYS, open_deadline
from tests.core.routing.conftest import SITES

PARIS_DAY = weekly("Europe/Paris", "mon-fri 08:00-18:00")


def utc(*parts: int) -> float:
    return from_datetime(datetime(*parts, tzinfo=UTC))


def test_paris_hours_follow_daylight_saving() -> None:
    # Summer time starts on Sunday 2026-03-29: 08:30 is 07:30 UTC in winter, 06:30 UTC after.
    assert not PARIS_DAY.is_open(utc(2026, 3, 23, 6, 30))
    assert PARIS_DAY.is_open(utc(2026, 3, 23, 7, 30))
    assert PARIS_DAY.is_open(utc(2026, 3, 30, 6, 30))
    assert not PARIS_DAY.is_open(utc(2026, 3, 30, 16, 0))  # 18:00 CEST


def test_next_change_crosses_the_weekend_and_the_clock_change() -> None:
    friday_evening = utc(2026, 3, 27, 17, 0)  # 18:00 CET: just closed

    assert PARIS_DAY.next_change(friday_evening) == utc(2026, 3, 30, 6, 0)  # 08:00 CEST
    assert PARIS_DAY.next_change(utc(2026, 3, 30, 6, 0)) == utc(2026, 3, 30, 16, 0)


def test_windows_past_midnight_and_bad_specs() -> None:
    late = weekly("Europe/Paris", "fri 20:00-02:00")

    assert late.is_open(utc(2026, 1, 17, 0, 30))  # Saturday 01:30 Paris
    assert not late.is_open(utc(2026, 1, 17, 1, 30))
    with pytest.raises(ValueError, match="cannot read"):
        weekly("Europe/Paris", "weekdays 8-18")


def rabat_evening_queue() -> QueueConfig:
    """After 18:00 Paris time only the Rabat site, open until 22:00 local."""
    rabat_evening = AllOf(
        (
            weekly("Europe/Paris", "mon-fri 18:00-24:00"),
            weekly("Africa/Casablanca", "mon-fri 00:00-22:00"),
        )
    )
    return QueueConfig(
        "billing",
        hours=AnyOf((PARIS_DAY, rabat_evening)),
        steps=(
            OverflowStep(0, Target(internal=True), hours=PARIS_DAY),
            OverflowStep(0, Target(sites=frozenset({"rabat"})), hours=rabat_evening),
        ),
    )


def test_after_18_paris_only_rabat_until_22_local() -> None:
    # Wednesday 2026-01-14, 17:59 Paris (16:59 UTC); Casablanca is UTC+1 in January
    clock = VirtualClock(utc(2026, 1, 14, 16, 59))
    engine = RoutingEngine(clock, sites=SITES, queues=[rabat_evening_queue()], auto_accept=True)
    for name, site in (("ann", "paris"), ("rachid", "rabat")):
        engine.add_agent(AgentProfile(name, site))
        engine.login(name)

    day = engine.contact_arrived("day", "billing")
    engine.complete("day")
    clock.set(utc(2026, 1, 14, 17, 0))
    evening = engine.contact_arrived("evening", "billing")
    engine.complete("evening")
    clock.set(utc(2026, 1, 14, 21, 0))
    closed = engine.contact_arrived("late", "billing")

    assert [e.agent_id for e in day if isinstance(e, OfferMade)] == ["ann"]
    assert StepHoursChanged(utc(2026, 1, 14, 17, 0), "billing", 0, False) in evening
    assert [e.agent_id for e in evening if isinstance(e, OfferMade)] == ["rachid"]
    assert any(isinstance(e, ContactRefused) and e.reason == "closed" for e in closed)


def test_a_waiting_contact_is_served_when_a_step_opens() -> None:
    clock = VirtualClock(utc(2026, 1, 14, 16, 55))
    engine = RoutingEngine(clock, sites=SITES, queues=[rabat_evening_queue()])
    engine.add_agent(AgentProfile("rachid", "rabat"))
    engine.login("rachid")

    waiting = engine.contact_arrived("c1", "billing")
    assert engine.next_wakeup() == utc(2026, 1, 14, 17, 0)
    clock.set(utc(2026, 1, 14, 17, 0))
    opened = engine.wake()

    assert not any(isinstance(e, OfferMade) for e in waiting)
    assert [e.agent_id for e in opened if isinstance(e, OfferMade)] == ["rachid"]


# the first-response clock of e-mail (apps/email/receiving.py): it runs only while open


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_a_deadline_counts_only_open_time() -> None:
    office = weekly("Europe/Paris", "mon-fri 09:00-18:00")
    friday_five_pm = _at("2025-06-06T17:00:00+02:00")

    due = open_deadline(office, friday_five_pm, 4 * 3600)

    assert due == _at("2025-06-09T12:00:00+02:00")  # one hour on Friday, three on Monday


def test_a_deadline_starting_while_closed_waits_for_the_opening() -> None:
    office = weekly("Europe/Paris", "mon-fri 09:00-18:00")

    due = open_deadline(office, _at("2025-06-07T10:00:00+02:00"), 60)  # a Saturday

    assert due == _at("2025-06-09T09:01:00+02:00")


def test_a_deadline_within_one_window_and_always_open() -> None:
    office = weekly("Europe/Paris", "mon-fri 09:00-18:00")
    start = _at("2025-06-05T10:00:00+02:00")

    assert open_deadline(office, start, 3600) == start + 3600
    assert open_deadline(ALWAYS, start, 86_400) == start + 86_400


def test_a_schedule_never_open_has_no_deadline() -> None:
    assert math.isinf(open_deadline(AllOf(()), 0.0, 60)) is False  # AllOf(()) is always open
    assert math.isinf(open_deadline(AnyOf(()), 0.0, 60))  # AnyOf(()) never opens
