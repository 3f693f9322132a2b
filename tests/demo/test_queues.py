"""The demo queues load on the demo company, twice without change, and route as described."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.organisation.models import Agent, Site
from relais.apps.routing.config import agent_profile, engine_queues, engine_sites
from relais.core.clock import VirtualClock
from relais.core.routing import RoutingEngine
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues

pytestmark = pytest.mark.django_db

# Wednesday 2026-01-14, Paris time (UTC+1)
AFTERNOON = dt.datetime(2026, 1, 14, 14, 0, tzinfo=dt.UTC)
EVENING = dt.datetime(2026, 1, 14, 19, 0, tzinfo=dt.UTC)  # 20:00 Paris, 19:00 Casablanca
NIGHT = dt.datetime(2026, 1, 14, 22, 30, tzinfo=dt.UTC)  # 23:30 Paris, Rabat closed


def test_demo_queues_load_once_then_change_nothing() -> None:
    load_demo_company()
    assert set(load_demo_queues().values()) == {"created"}
    assert set(load_demo_queues().values()) == {"unchanged"}


def engine_at(moment: dt.datetime) -> RoutingEngine:
    engine = RoutingEngine(VirtualClock(moment), sites=engine_sites(), queues=engine_queues())
    for agent in Agent.objects.prefetch_related("skill_levels__skill"):
        engine.add_agent(agent_profile(agent))
        engine.login(str(agent.pk))
    return engine


@pytest.mark.parametrize(
    ("moment", "sites"),
    [(AFTERNOON, {"Lille", "Domicile France"}), (EVENING, {"Rabat"}), (NIGHT, set())],
)
def test_evening_orders_go_to_rabat_only_while_it_is_open(
    moment: dt.datetime, sites: set[str]
) -> None:
    load_demo_company()
    load_demo_queues()
    engine = engine_at(moment)

    events = engine.contact_arrived(1, "soir")

    offers = [e for e in events if type(e).__name__ == "OfferMade"]
    served = {Site.objects.get(agents__pk=int(o.agent_id)).name for o in offers}
    assert served <= sites
    assert bool(offers) == bool(sites)


def test_dutch_contacts_go_to_dutch_speakers_only() -> None:
    load_demo_company()
    load_demo_queues()
    engine = engine_at(AFTERNOON)
    for contact in range(10):
        for event in engine.contact_arrived(contact, "nl"):
            if type(event).__name__ == "OfferMade":
                agent = Agent.objects.get(pk=int(event.agent_id))  # type: ignore[union-attr]
                assert agent.skill_levels.filter(skill__code="nl").exists()
