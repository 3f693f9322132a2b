"""An agent held back from a queue (a blocking briefing not acknowledged) is not offered it."""

from __future__ import annotations

from relais.core.clock import VirtualClock
from relais.core.routing import AgentProfile, Channel, OfferMade, QueueConfig, RoutingEngine
from relais.core.routing.holds import hold_lift, hold_place
from tests.core.routing.conftest import SITES

ORDERS = QueueConfig("commandes", channel=Channel.CHAT, skills={"orders": 1})
RETURNS = QueueConfig("retours", channel=Channel.CHAT, skills={"orders": 1})
AMINA = AgentProfile("amina", "rabat", {"orders": 2}, capacity={Channel.CHAT: 2})


def _offers(events: list[object]) -> list[tuple[object, str, str]]:
    return [(e.contact_id, e.agent_id, e.queue_id) for e in events if isinstance(e, OfferMade)]


def test_a_held_agent_is_not_offered_the_queue_until_the_hold_is_lifted(
    clock: VirtualClock,
) -> None:
    # given Amina, logged in, held back from "commandes"
    engine = RoutingEngine(clock, sites=SITES, queues=[ORDERS, RETURNS])
    engine.add_agent(AMINA)
    engine.login("amina")
    held, _ = hold_place(engine, AMINA, ["commandes"])
    # when a "commandes" chat and a "retours" chat arrive
    first = engine.contact_arrived(1, "commandes")
    second = engine.contact_arrived(2, "retours")
    # then only the "retours" chat is offered to her; the other waits
    assert _offers(first) == []
    assert _offers(second) == [(2, "amina", "retours")]
    assert engine.contact_state(1) == "waiting"
    # when the hold is lifted (she acknowledged)
    freed, events = hold_lift(engine, held, ["commandes"])
    # then the waiting chat is offered to her at once
    assert _offers(events) == [(1, "amina", "commandes")]
    assert freed.held_queues == frozenset()


def test_a_hold_keeps_the_contact_in_hand(clock: VirtualClock) -> None:
    # given Amina handling a "commandes" chat
    engine = RoutingEngine(clock, sites=SITES, queues=[ORDERS], auto_accept=True)
    engine.add_agent(AMINA)
    engine.login("amina")
    assert _offers(engine.contact_arrived(1, "commandes")) == [(1, "amina", "commandes")]
    # when she is held back from the queue
    hold_place(engine, AMINA, ["commandes"])
    # then the chat stays hers, and the next one waits
    assert engine.contact_state(1) == "connected"
    assert _offers(engine.contact_arrived(2, "commandes")) == []
