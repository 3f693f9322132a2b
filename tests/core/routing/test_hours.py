"""Opening hours in IANA time zones, across daylight-saving changes, and the Rabat evening."""

from __future__ import annotations

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
