"""The demo queues and topics load on the demo company, twice without change, and route as
described: chat open around the clock, Rabat in the evening and on Sundays."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.chat import selectors as chat_selectors
from relais.apps.chat.models import ChatTopic
from relais.apps.organisation.models import Agent, Site
from relais.apps.routing.config import agent_profile, engine_queues, engine_sites
from relais.apps.routing.models import Channel, Queue
from relais.core.clock import VirtualClock
from relais.core.routing import OfferMade, RoutingEngine
from relais.demo.company import load_demo_company
from relais.demo.queues import QUEUES, TOPICS, load_demo_queues

pytestmark = pytest.mark.django_db

# Wednesday 2026-01-14, Paris time (UTC+1)
AFTERNOON = dt.datetime(2026, 1, 14, 14, 0, tzinfo=dt.UTC)
EVENING = dt.datetime(2026, 1, 14, 19, 0, tzinfo=dt.UTC)  # 20:00 Paris, 19:00 Casablanca
NIGHT = dt.datetime(2026, 1, 14, 2, 30, tzinfo=dt.UTC)  # 03:30 Paris
SUNDAY = dt.datetime(2026, 1, 18, 10, 0, tzinfo=dt.UTC)  # 11:00 Paris


@pytest.fixture
def demo(db: None) -> None:
    load_demo_company()
    load_demo_queues()


def test_demo_queues_and_topics_load_once_then_change_nothing(db: None) -> None:
    load_demo_company()
    assert set(load_demo_queues().values()) == {"created"}
    entries = AuditEntry.objects.count()
    assert set(load_demo_queues().values()) == {"unchanged"}
    assert AuditEntry.objects.count() == entries


def test_a_load_brings_a_changed_topic_back(demo: None) -> None:
    ChatTopic.objects.filter(code="commande").update(message_queue=None, active=False)

    outcomes = load_demo_queues()

    assert outcomes["commande"] == "updated"
    assert {code for code, outcome in outcomes.items() if outcome != "unchanged"} == {"commande"}
    topic = ChatTopic.objects.get(code="commande")
    assert topic.active
    assert topic.message_queue is not None
    assert topic.message_queue.code == "messages"


def test_each_topic_leaves_messages_and_callbacks_in_their_queues(demo: None) -> None:
    topics = ChatTopic.objects.select_related("queue", "message_queue", "callback_queue")

    assert {t.code for t in topics} == {t.code for t in TOPICS}
    for topic in topics:
        assert topic.queue.channel == Channel.CHAT
        assert topic.message_queue is not None
        assert topic.message_queue.channel == Channel.EMAIL
        assert topic.callback_queue is not None
        assert topic.callback_queue.channel == Channel.CALLBACK


def test_the_widget_offers_leaving_a_message_and_a_callback_on_every_topic(demo: None) -> None:
    for topic in ChatTopic.objects.select_related("message_queue", "callback_queue"):
        assert chat_selectors.alternatives(topic) == (True, True), topic.code


@pytest.mark.parametrize(("code", "channel"), [("messages", "email"), ("rappels", "callback")])
def test_messages_and_callbacks_have_skilled_agents_with_capacity(
    demo: None, code: str, channel: str
) -> None:
    queue = Queue.objects.get(code=code, channel=channel, active=True)
    needed = {level.skill.code: level.min_level for level in queue.skill_levels.all()}
    engine = RoutingEngine(VirtualClock(AFTERNOON), sites=engine_sites(), queues=engine_queues())
    for agent in Agent.objects.prefetch_related("skill_levels__skill"):
        engine.add_agent(agent_profile(agent))
        engine.login(str(agent.pk))

    events = engine.contact_arrived(1, code)

    offers = [event for event in events if isinstance(event, OfferMade)]
    assert len(offers) == 1
    agent = Agent.objects.get(pk=int(offers[0].agent_id))
    assert agent.site.partner is None  # the internal sites first
    levels = {level.skill.code: level.level for level in agent.skill_levels.all()}
    assert all(levels.get(skill, 0) >= level for skill, level in needed.items())
    assert needed  # "skilled": the queue asks for a skill


def engine_at(moment: dt.datetime, sites: set[str] | None = None) -> RoutingEngine:
    """Every agent (of `sites`) logged in at `moment`."""
    engine = RoutingEngine(VirtualClock(moment), sites=engine_sites(), queues=engine_queues())
    agents = Agent.objects.prefetch_related("skill_levels__skill")
    if sites is not None:
        agents = agents.filter(site__name__in=sites)
    for agent in agents:
        engine.add_agent(agent_profile(agent))
        engine.login(str(agent.pk))
    return engine


def served_by(engine: RoutingEngine, queue: str) -> set[str]:
    offers = [e for e in engine.contact_arrived(1, queue) if isinstance(e, OfferMade)]
    return {Site.objects.get(agents__pk=int(offer.agent_id)).name for offer in offers}


@pytest.mark.parametrize(
    ("moment", "sites"),
    [
        (AFTERNOON, {"Lille", "Domicile France"}),
        (EVENING, {"Rabat"}),
        (NIGHT, {"Rabat"}),
        (SUNDAY, {"Rabat"}),
    ],
)
def test_evening_orders_go_to_rabat_after_18_and_on_sundays(
    demo: None, moment: dt.datetime, sites: set[str]
) -> None:
    served = served_by(engine_at(moment), "soir")

    assert len(served) == 1
    assert served <= sites


@pytest.mark.parametrize("moment", [EVENING, NIGHT, SUNDAY])
def test_orders_go_to_rabat_at_once_when_lille_is_closed(demo: None, moment: dt.datetime) -> None:
    # the Lille and home agents are not there (their sites are closed): Rabat, at 0 s
    engine = engine_at(moment, sites={"Rabat", "Bucarest"})

    assert served_by(engine, "commandes") == {"Rabat"}


def test_orders_go_to_lille_and_home_agents_first_in_the_day(demo: None) -> None:
    assert served_by(engine_at(AFTERNOON), "commandes") <= {"Lille", "Domicile France"}


def test_dutch_contacts_go_to_dutch_speakers_only(demo: None) -> None:
    engine = engine_at(AFTERNOON)
    for contact in range(10):
        for event in engine.contact_arrived(contact, "nl"):
            if isinstance(event, OfferMade):
                agent = Agent.objects.get(pk=int(event.agent_id))
                assert agent.skill_levels.filter(skill__code="nl").exists()


def test_the_chat_queues_customers_use_most_are_always_open(demo: None) -> None:
    always = {data.code for data in QUEUES if data.channel == "chat" and not data.opening_hours}
    assert always == {"commandes", "soir"}
    assert set(Queue.objects.filter(opening_hours="").values_list("code", flat=True)) >= always
