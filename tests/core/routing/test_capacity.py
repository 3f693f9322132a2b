"""Channel capacity: a call blocks new chats, and a chat in hand blocks a call, unless the
chat's queue allows both (`QueueConfig.chats_during_calls`)."""

from __future__ import annotations

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    Channel,
    ContactState,
    OverflowStep,
    QueueConfig,
    RoutingEngine,
    Target,
)
from relais.core.routing.restore import restore, snapshot
from tests.core.routing.conftest import SITES

PHONE = QueueConfig("phone", channel=Channel.VOICE, steps=(OverflowStep(0, Target()),))
WEB = QueueConfig("web", channel=Channel.CHAT, steps=(OverflowStep(0, Target()),))
ASSIST = QueueConfig(
    "assist", channel=Channel.CHAT, chats_during_calls=True, steps=(OverflowStep(0, Target()),)
)
BOTH = AgentProfile("paris1", "paris", capacity={Channel.VOICE: 1, Channel.CHAT: 2})


def engine_with(clock: VirtualClock) -> RoutingEngine:
    engine = RoutingEngine(clock, sites=SITES, queues=(PHONE, WEB, ASSIST))
    engine.add_agent(BOTH)
    engine.login("paris1")
    return engine


def state(engine: RoutingEngine, *contacts: str) -> list[ContactState | None]:
    return [engine.contact_state(contact) for contact in contacts]


def test_a_call_blocks_chats_of_a_queue_that_does_not_allow_both(clock: VirtualClock) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("call", "phone")
    engine.accept("call")

    engine.contact_arrived("chat", "web")

    assert state(engine, "call", "chat") == [ContactState.CONNECTED, ContactState.WAITING]
    engine.complete("call")  # the line is free: the chat now
    assert engine.contact_state("chat") is ContactState.OFFERED


def test_a_chat_in_hand_blocks_a_call(clock: VirtualClock) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("chat", "web")

    engine.contact_arrived("call", "phone")

    assert state(engine, "chat", "call") == [ContactState.OFFERED, ContactState.WAITING]


def test_a_queue_that_allows_both_gives_chats_during_a_call_up_to_capacity(
    clock: VirtualClock,
) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("call", "phone")
    engine.accept("call")

    for chat in ("a1", "a2", "a3"):
        engine.contact_arrived(chat, "assist")
    engine.contact_arrived("w1", "web")

    assert state(engine, "a1", "a2", "a3", "w1") == [
        ContactState.OFFERED,
        ContactState.OFFERED,
        ContactState.WAITING,  # chat capacity 2
        ContactState.WAITING,  # its queue does not allow chats during calls
    ]
    assert engine.agent_load("paris1")[Channel.VOICE] == 1


def test_chats_of_a_queue_that_allows_both_leave_the_line_open_for_a_call(
    clock: VirtualClock,
) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("a1", "assist")
    engine.accept("a1")

    engine.contact_arrived("call", "phone")

    assert engine.contact_state("call") is ContactState.OFFERED


def test_a_waiting_chat_goes_to_an_agent_on_a_call_when_its_queue_allows_both(
    clock: VirtualClock,
) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("w1", "web")  # the agent holds a chat that blocks calls
    engine.contact_arrived("call", "phone")
    assert engine.contact_state("call") is ContactState.WAITING
    engine.accept("w1")

    engine.complete("w1")  # the call now, then a chat of the queue that allows both
    engine.accept("call")
    engine.contact_arrived("a1", "assist")

    assert state(engine, "call", "a1") == [ContactState.CONNECTED, ContactState.OFFERED]


def test_a_restored_engine_counts_the_shared_chats(clock: VirtualClock) -> None:
    engine = engine_with(clock)
    engine.contact_arrived("call", "phone")
    engine.accept("call")
    engine.contact_arrived("a1", "assist")
    taken = snapshot(engine)

    rebuilt = RoutingEngine(clock, sites=SITES, queues=(PHONE, WEB, ASSIST))
    rebuilt.add_agent(BOTH)
    restore(rebuilt, taken)
    rebuilt.contact_arrived("w1", "web")
    rebuilt.contact_arrived("a2", "assist")

    assert state(rebuilt, "w1", "a2") == [ContactState.WAITING, ContactState.OFFERED]
    rebuilt.complete("call")
    assert rebuilt.contact_state("w1") is ContactState.WAITING  # chat capacity 2 is full
