"""Volume split: configuration, the engine's choices, and the bound on waiting."""

from __future__ import annotations

import pytest

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    OfferMade,
    QueueConfig,
    RoutingEngine,
    RoutingEvent,
    Site,
    SiteKind,
    SplitShare,
    VolumeSplit,
)
from relais.core.routing.split import OUTSIDE, group_of

RABAT = Site("rabat", SiteKind.OFFSHORE, "atlas")
CASA = Site("casa", SiteKind.OFFSHORE, "atlas")
BUCHAREST = Site("bucharest", SiteKind.NEARSHORE, "carpathia")
LILLE = Site("lille", SiteKind.INSHORE, None)
PARIS = Site("paris", SiteKind.INSHORE, None)
SITES = (RABAT, CASA, BUCHAREST, LILLE, PARIS)
SHARES = (
    SplitShare(40, partner="atlas"),
    SplitShare(35, partner="carpathia"),
    SplitShare(25, site="lille"),
)


def engine_with(split: VolumeSplit, agents: dict[str, str]) -> tuple[RoutingEngine, VirtualClock]:
    clock = VirtualClock(0.0)
    engine = RoutingEngine(
        clock, sites=SITES, queues=[QueueConfig("orders", split=split)], auto_accept=True
    )
    for agent_id, site_id in agents.items():
        engine.add_agent(AgentProfile(agent_id, site_id))
        engine.login(agent_id)
    return engine, clock


def offered_to(events: list[RoutingEvent]) -> list[str]:
    return [event.agent_id for event in events if isinstance(event, OfferMade)]


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ((SplitShare(60, partner="atlas"), SplitShare(30, site="lille")), "sum to 100"),
        ((SplitShare(50, partner="atlas"), SplitShare(50, partner="atlas")), "once"),
        ((SplitShare(100, partner="atlas"),), "at least two"),
    ],
)
def test_a_split_that_makes_no_sense_is_refused(
    shares: tuple[SplitShare, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        VolumeSplit(shares)


def test_a_share_names_a_partner_or_a_site() -> None:
    with pytest.raises(ValueError, match="partner or a site"):
        SplitShare(50, partner="atlas", site="lille")
    with pytest.raises(ValueError, match="partner or a site"):
        SplitShare(50)


def test_a_site_share_wins_over_its_partner_share() -> None:
    split = VolumeSplit((SplitShare(50, partner="atlas"), SplitShare(50, site="casa")))
    assert group_of(split, RABAT) == 0
    assert group_of(split, CASA) == 1
    assert group_of(split, PARIS) == OUTSIDE


def test_the_largest_deficit_is_served_first() -> None:
    # given one free agent in each group and an empty window
    engine, clock = engine_with(VolumeSplit(SHARES), {"a": "rabat", "c": "bucharest", "l": "lille"})
    # when three contacts arrive
    first = offered_to(engine.contact_arrived(1, "orders"))
    clock.advance(1)
    second = offered_to(engine.contact_arrived(2, "orders"))
    clock.advance(1)
    third = offered_to(engine.contact_arrived(3, "orders"))
    # then each goes to the group furthest below its target at that moment
    assert (first, second, third) == (["a"], ["c"], ["l"])
    status = engine.split_status("orders")
    assert status is not None
    assert [(s.label, s.offers) for s in status] == [
        ("partner:atlas", 1),
        ("partner:carpathia", 1),
        ("site:lille", 1),
    ]


def test_a_contact_waits_for_its_group_up_to_the_bound_then_goes_to_anyone() -> None:
    # given Lille over its share (it took the first contact) and Atlas's only agent busy
    split = VolumeSplit(
        (SplitShare(50, partner="atlas"), SplitShare(50, site="lille")),
        wait_bound_s=10,
        tolerance_pct=0,
    )
    engine, clock = engine_with(split, {"a": "rabat"})
    assert offered_to(engine.contact_arrived(1, "orders")) == ["a"]
    engine.add_agent(AgentProfile("l", "lille"))
    engine.login("l")
    assert offered_to(engine.contact_arrived(2, "orders")) == ["l"]
    engine.complete(2)
    # when a third contact arrives: Atlas is at 50 %, Lille at 50 %, both open; it goes to
    # Lille's free agent; a fourth finds Lille over its share and Atlas busy
    assert offered_to(engine.contact_arrived(3, "orders")) == ["l"]
    engine.complete(3)
    assert offered_to(engine.contact_arrived(4, "orders")) == []
    # then it waits, and Lille's free agent takes it when the bound falls due, not before
    clock.advance(9.9)
    assert offered_to(engine.wake()) == []
    assert engine.next_wakeup() == pytest.approx(10.0)
    clock.advance(0.1)
    assert offered_to(engine.wake()) == ["l"]


def test_an_agent_of_no_group_serves_only_after_the_bound() -> None:
    engine, clock = engine_with(VolumeSplit(SHARES, wait_bound_s=5), {"p": "paris"})
    assert offered_to(engine.contact_arrived(1, "orders")) == []
    clock.advance(5)
    assert offered_to(engine.wake()) == ["p"]


def test_a_queue_without_split_has_no_split_status() -> None:
    engine = RoutingEngine(VirtualClock(0.0), sites=SITES, queues=[QueueConfig("orders")])
    assert engine.split_status("orders") is None


def test_a_rebuilt_engine_starts_from_the_window_it_had() -> None:
    # given a rebuilt engine told that Atlas took the queue's last two contacts
    engine, _clock = engine_with(VolumeSplit(SHARES), {"a": "rabat", "l": "lille"})
    engine.restore_split_window("orders", ["rabat", "casa", "nowhere"])
    status = engine.split_status("orders")
    assert status is not None
    assert [s.offers for s in status] == [2, 0, 0]
    # when a contact arrives with Atlas and Lille free, then Lille takes it (Atlas is over)
    assert offered_to(engine.contact_arrived(1, "orders")) == ["l"]
