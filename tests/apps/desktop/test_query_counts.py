"""The database work of a chat and the frames it pushes, step by step, counted exactly.

A chat's hot path runs for every chat of every site (bench.chat_load drives it under load):
every query it adds is paid by each chat, and every frame it sends reaches a browser. Each
test holds one table: per step, the exact number of queries on SQLite and on PostgreSQL
(`connection.vendor`) and the exact frames pushed after commit, (group, frame type) in
order. The counts are counts, not timings: a change that adds or removes a query or a frame
fails here. When the change is intended, run the test on both databases (docs/desktop.md)
and write the new figures in the table, saying why in the commit.

Both databases show each transaction's BEGIN and COMMIT among the queries; PostgreSQL adds
the router's NOTIFY after each request written for it, the decisions' NOTIFY once per router
batch that writes some (the voice service's offers feed wakes on it), and the audit chain's
lock before each audit entry. The totals, and what they were before the hot path was trimmed, are in
docs/desktop.md."""

from __future__ import annotations

import pytest

from relais.apps.chat import services as chat
from relais.apps.chat.models import ChatSession, Sender
from relais.apps.chat.schemas import StartForm
from relais.apps.desktop import services as desk
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import ContactState
from relais.apps.organisation.models import Agent
from tests.apps.capture import Expected, RecordingChannelLayer, Steps
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open

pytestmark = pytest.mark.django_db(transaction=True)  # savepoints as in production: none

DESK = "desk-{agent}"
CHAT = "chat-{contact}"


def _logged_in(chat_world: ChatWorld, *keys: str) -> list[Agent]:
    """Agents with a desktop open, logged in, and the router told (not counted)."""
    agents = [chat_world.agent(key) for key in keys]
    for agent in agents:
        desk_open(agent)
        interactions.agent_login(actor=agent.user, agent=agent)
    chat_world.router.step()
    return agents


def _start(number: int) -> ChatSession:
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id=f"c{number}")
    session, _ = chat.chat_start(form=form)
    return session


def _conversation(chat_world: ChatWorld, steps: Steps, agent: Agent) -> ChatSession:
    """A chat started, offered, accepted, and a message each way, each a step of `steps`."""
    user = agent.user
    session = steps.run("chat_start", lambda: _start(0))
    contact_id = session.contact_id
    steps.run("router_offer", chat_world.router.step)
    contact = steps.run("desk_accept", lambda: desk.desk_accept(actor=user, contact_id=contact_id))
    assert contact.state == ContactState.ACCEPTED
    steps.run("router_accepted", chat_world.router.step)
    steps.run(
        "desk_send",
        lambda: desk.desk_send(actor=user, contact_id=contact_id, body="Oui ?", client_id="a0"),
    )
    session = ChatSession.objects.get(pk=session.pk)
    message = steps.run(
        "customer_message",
        lambda: chat.customer_message(session=session, body="Ma commande", client_id="c1"),
    )
    assert message.sender == Sender.CUSTOMER
    return session


#: A chat as bench.chat_load runs it: the customer ends it, the agent wraps it up.
CUSTOMER_ENDS: dict[str, Expected] = {
    "chat_start": ({"sqlite": 7, "postgresql": 8}, []),
    "router_offer": (  # + the masking of the agent's site (privacy), once per batch
        {"sqlite": 16, "postgresql": 17},  # PG: + the decisions' NOTIFY (the voice feed)
        [(DESK, "offer.made"), (DESK, "presence.changed")],
    ),
    "desk_accept": ({"sqlite": 18, "postgresql": 20}, [(CHAT, "message"), (DESK, "chat.opened")]),
    "router_accepted": ({"sqlite": 3, "postgresql": 3}, []),
    "desk_send": ({"sqlite": 9, "postgresql": 9}, [(CHAT, "message"), (DESK, "chat.message")]),
    "customer_message": (  # + the masking of the agent's site: the message is stored masked
        {"sqlite": 8, "postgresql": 8},
        [(CHAT, "message"), (DESK, "chat.message")],
    ),
    "customer_leave": ({"sqlite": 8, "postgresql": 8}, [(CHAT, "message"), (DESK, "chat.message")]),
    "desk_wrap_up": (  # + the outcome in the log (contact.wrapped_up, waking the router on PG)
        {"sqlite": 21, "postgresql": 25},
        [(CHAT, "message"), (DESK, "contact.completed"), (DESK, "contact.closed")],
    ),
    "router_close": ({"sqlite": 8, "postgresql": 9}, [(DESK, "presence.changed")]),
}


def test_a_chat_the_customer_ends_runs_exact_queries_and_pushes(
    chat_world: ChatWorld, recording_layer: RecordingChannelLayer
) -> None:
    # given an agent logged in at their desktop
    (agent,) = _logged_in(chat_world, "lille0")
    steps = Steps()

    # when a chat runs from the form to the wrap-up, the customer leaving first
    session = _conversation(chat_world, steps, agent)
    contact_id = session.contact_id
    assert steps.run("customer_leave", lambda: chat.customer_leave(session=session))
    steps.run(
        "desk_wrap_up",
        lambda: desk.desk_wrap_up(actor=agent.user, contact_id=contact_id, reason="resolved"),
    )
    steps.run("router_close", chat_world.router.step)

    # then each step ran exactly its queries and pushed exactly its frames
    steps.assert_as_expected(CUSTOMER_ENDS, agent=agent.pk, contact=contact_id)


#: The agent ends the conversation, then wraps it up (after the steps of the table above).
AGENT_COMPLETES: dict[str, Expected] = {
    "desk_complete": (
        {"sqlite": 20, "postgresql": 22},
        [(CHAT, "message"), (DESK, "contact.completed")],
    ),
    "router_completed": ({"sqlite": 8, "postgresql": 9}, [(DESK, "presence.changed")]),
    "desk_wrap_up": ({"sqlite": 12, "postgresql": 14}, [(DESK, "contact.closed")]),
    "router_close": ({"sqlite": 3, "postgresql": 3}, []),
}


def test_a_chat_the_agent_completes_runs_exact_queries_and_pushes(
    chat_world: ChatWorld, recording_layer: RecordingChannelLayer
) -> None:
    # given a conversation in an agent's hands
    (agent,) = _logged_in(chat_world, "lille0")
    session = _conversation(chat_world, Steps(), agent)
    contact_id = session.contact_id
    steps = Steps()

    # when the agent completes it, then wraps it up
    steps.run("desk_complete", lambda: desk.desk_complete(actor=agent.user, contact_id=contact_id))
    steps.run("router_completed", chat_world.router.step)
    steps.run(
        "desk_wrap_up",
        lambda: desk.desk_wrap_up(actor=agent.user, contact_id=contact_id, reason="resolved"),
    )
    steps.run("router_close", chat_world.router.step)

    # then each step ran exactly its queries and pushed exactly its frames
    steps.assert_as_expected(AGENT_COMPLETES, agent=agent.pk, contact=contact_id)


#: One router step offering six waiting chats to two agents (three each, their capacity): the
#: router reads each new contact and writes each decision on its own; the agents' desktop
#: streams take the same few statements whatever the batch's size (desktop/decided.py).
DECISIONS_BATCH: dict[str, Expected] = {
    "router_offers": (
        {"sqlite": 38, "postgresql": 39},  # PG: + the decisions' NOTIFY, once per batch
        [
            *[("desk-{first}", "offer.made")] * 3,
            ("desk-{first}", "presence.changed"),
            *[("desk-{second}", "offer.made")] * 3,
            ("desk-{second}", "presence.changed"),
        ],
    ),
}


def test_the_routers_decisions_batch_runs_exact_queries_and_pushes(
    chat_world: ChatWorld, recording_layer: RecordingChannelLayer
) -> None:
    # given two agents logged in and six chats waiting
    first, second = _logged_in(chat_world, "lille0", "lille1")
    waiting = {_start(number).contact_id for number in range(6)}
    steps = Steps()

    # when the router offers them in one step
    steps.run("router_offers", chat_world.router.step)

    # then the batch ran exactly its queries and pushed each agent's offers in order
    steps.assert_as_expected(DECISIONS_BATCH, first=first.pk, second=second.pk)
    pushes = steps.measured["router_offers"].pushes
    assert {p.frame["contact_id"] for p in pushes if p.kind == "offer.made"} == waiting
    # numbered in the agent's stream after its first event (the login's presence)
    assert [p.frame["id"] for p in pushes if p.group == f"desk-{first.pk}"] == [2, 3, 4, 5]
