"""What the router records in the agents' desktop streams (desktop/decided.py)."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime

from relais.apps.chat import services as chat
from relais.apps.chat.schemas import StartForm
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop import services as desk
from relais.apps.interactions.models import AgentPresence
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open

pytestmark = pytest.mark.django_db


def stream(agent_id: int) -> list[tuple[str, dict[str, object]]]:
    rows = DeskEvent.objects.filter(agent_id=agent_id).order_by("seq")
    return [(row.kind, row.payload) for row in rows]


def test_an_offer_and_the_presence_it_changes_are_recorded_once(chat_world: ChatWorld) -> None:
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    chat_world.router.step()  # the router's own "available" repeats what the stream says
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")
    session, _ = chat.chat_start(form=form)
    chat_world.router.step()
    chat_world.router.rebuild()  # a rebuild repeats nothing either
    chat_world.router.step()

    events = stream(agent.pk)
    assert [kind for kind, _ in events] == ["presence.changed", "offer.made", "presence.changed"]
    assert [p["state"] for kind, p in events if kind == "presence.changed"] == [
        "available",
        "busy",
    ]
    offer = events[1][1]
    assert (offer["contact_id"], offer["customer_name"], offer["preview"]) == (
        session.contact_id,
        "Ana",
        "Bonjour",
    )
    assert list(DeskEvent.objects.filter(agent_id=agent.pk).values_list("seq", flat=True)) == [
        1,
        2,
        3,
    ]


def test_accepting_opens_the_chat_with_its_topic_and_messages_in_order(
    chat_world: ChatWorld,
) -> None:
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")
    session, _ = chat.chat_start(form=form)
    chat.customer_message(session=session, body="Vous êtes là ?", client_id="c1")
    chat_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=session.contact_id)

    opened = [p for kind, p in stream(agent.pk) if kind == "chat.opened"]
    assert len(opened) == 1
    chat_view = opened[0]["chat"]
    assert chat_view["customer_name"] == "Ana"
    assert chat_view["topic"] == session.topic.label
    assert chat_view["topic"]
    assert [m["body"] for m in chat_view["messages"]][:2] == ["Bonjour", "Vous êtes là ?"]
    assert chat_view["notes"] == []


def test_each_presence_in_the_stream_says_when_it_began(chat_world: ChatWorld) -> None:
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")  # the agent's request
    available_since = AgentPresence.objects.get(agent=agent).since
    chat.chat_start(form=StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0"))
    chat_world.router.step()  # the router's decision: busy with the offer

    changes = [p for kind, p in stream(agent.pk) if kind == "presence.changed"]
    assert [p["state"] for p in changes] == ["available", "busy"]
    assert parse_datetime(str(changes[0]["since"])) == available_since
    assert parse_datetime(str(changes[1]["since"])) == AgentPresence.objects.get(agent=agent).since
