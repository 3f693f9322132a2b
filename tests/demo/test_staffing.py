"""The bots on duty: whatever the weekday and hour, a chat is offered at once, and the bots
leave a share of the traffic (and the agents kept free) to people."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.organisation.models import Agent
from relais.apps.routing.config import agent_profile, engine_queues, engine_sites
from relais.core.clock import VirtualClock
from relais.core.routing import OfferMade, RoutingEngine, weekly
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.traffic.model import DEMO_QUEUES, TrafficOptions
from relais.demo.traffic.setup import choose_bots, usable_queues
from relais.demo.traffic.staffing import chats_per_hour, expected_load, on_duty
from relais.demo.traffic.state import BotAccount

MONDAY = dt.datetime(2026, 1, 12, 0, 30, tzinfo=dt.UTC)  # 01:30 Paris
WEEK = [MONDAY + dt.timedelta(hours=hour) for hour in range(7 * 24)]  # every hour of a week
SHARE = 0.15


def test_every_hour_of_the_week_has_chats_to_show() -> None:
    options = TrafficOptions()

    quietest = min(chats_per_hour(DEMO_QUEUES, options, m.timestamp()) for m in WEEK)
    busiest = max(chats_per_hour(DEMO_QUEUES, options, m.timestamp()) for m in WEEK)

    assert quietest >= 50  # at night, still about one a minute
    assert busiest >= 5 * quietest  # and a real day's shape


def bot(name: str, site: str, capacity: int = 3, hours: str | None = None) -> BotAccount:
    return BotAccount(
        name,
        name,
        site,
        "Europe/Paris",
        chat_capacity=capacity,
        site_hours=weekly("Europe/Paris", hours) if hours else None,
    )


def test_bots_of_closed_sites_are_off_duty() -> None:
    bots = [bot("lille1", "Lille", hours="mon-sat 08:00-20:00"), bot("rabat1", "Rabat")]
    sunday = dt.datetime(2026, 1, 18, 10, 0, tzinfo=dt.UTC).timestamp()

    assert [b.username for b in on_duty(bots, sunday, load=20.0, people_share=SHARE)] == ["rabat1"]


def test_bots_hold_a_share_less_than_the_load_within_one_bot() -> None:
    bots = [bot(f"{site}{n}", site, cap) for n in range(20) for site, cap in [("A", 3), ("B", 2)]]
    now = MONDAY.timestamp()

    for load in (0.5, 4.0, 9.9, 17.0, 30.0, 47.0):
        slots = sum(b.chat_capacity for b in on_duty(bots, now, load, SHARE))

        limit = load * (1 - SHARE)
        assert slots >= limit  # enough bots to show the traffic
        assert slots < max(limit, 5) + 3  # one bot of each open site (A and B), or one past
        if load >= 30:
            assert slots < load  # a share left to people


def test_no_share_left_to_people_when_asked_for_none() -> None:
    bots = [bot(f"b{n}", "A", 1) for n in range(20)]

    on = on_duty(bots, MONDAY.timestamp(), load=10.0, people_share=0.0)

    assert len(on) == 10


@pytest.fixture
def demo(db: None) -> None:
    load_demo_company()
    load_demo_queues()


def test_at_every_hour_of_the_week_the_bots_on_duty_take_a_chat_at_once(demo: None) -> None:
    bots, free = choose_bots()
    queues = usable_queues(DEMO_QUEUES)
    profiles = {
        agent.user.username: agent_profile(agent)
        for agent in Agent.objects.select_related("user").prefetch_related("skill_levels__skill")
    }
    sites, config = engine_sites(), engine_queues()
    options = TrafficOptions()
    gaps = []

    for moment in WEEK:
        at = moment.timestamp()
        duty = on_duty(bots, at, expected_load(queues, options, at), SHARE)
        assert not {b.username for b in duty} & set(free)
        engine = RoutingEngine(VirtualClock(moment), sites=sites, queues=config)
        for account in duty:
            engine.add_agent(profiles[account.username])
            engine.login(profiles[account.username].agent_id)
        for contact, queue in enumerate(("commandes", "soir")):
            events = engine.contact_arrived(contact, queue)
            if not any(isinstance(event, OfferMade) for event in events):
                gaps.append((moment.isoformat(), queue))

    assert [q.code for q in queues] == ["commandes", "soir", "nl"]
    assert gaps == []


def test_sunday_afternoon_only_rabat_works_and_leaves_people_a_share(demo: None) -> None:
    bots, _ = choose_bots()
    at = dt.datetime(2026, 1, 18, 16, 30, tzinfo=dt.UTC).timestamp()  # 17:30 Paris
    load = expected_load(DEMO_QUEUES, TrafficOptions(rate=4), at)

    duty = on_duty(bots, at, load, SHARE)

    assert {b.site for b in duty} == {"Rabat"}
    assert len(duty) > 5
    assert sum(b.chat_capacity for b in duty) < load
