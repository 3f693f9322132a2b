"""Example tests of the routing engine, one feature each (given / when / then)."""

from __future__ import annotations

import pytest

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    AgentState,
    BreakReason,
    CallbackOffered,
    Channel,
    ContactAbandoned,
    ContactQueued,
    ContactState,
    ContactTransferred,
    Exhausted,
    ExhaustedAction,
    InProgress,
    OfferExpired,
    OfferMade,
    OfferWithdrawn,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    RoutingErrorCode,
    RoutingEvent,
    Strategy,
    Target,
    WrapUpEnded,
)
from tests.core.routing.conftest import SITES

ATLAS = frozenset({"atlas"})


def offers(events: list[RoutingEvent]) -> list[tuple[object, str]]:
    return [(e.contact_id, e.agent_id) for e in events if isinstance(e, OfferMade)]


def engine_with(
    clock: VirtualClock, *queues: QueueConfig, agents: tuple[AgentProfile, ...] = (), **options: int
) -> RoutingEngine:
    engine = RoutingEngine(clock, sites=SITES, queues=queues, **options)  # type: ignore[arg-type]
    for profile in agents:
        engine.add_agent(profile)
    return engine


def agent(agent_id: str, site: str = "paris", **skills: int) -> AgentProfile:
    return AgentProfile(agent_id, site, skills or {"billing": 3}, frozenset({"fr"}))


BILLING = QueueConfig("billing", skills={"billing": 1})


def test_a_contact_goes_to_the_longest_idle_agent(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"), agent("bob")))
    engine.login("bob")
    clock.advance(5)
    engine.login("ann")

    events = engine.contact_arrived("c1", "billing")

    assert offers(events) == [("c1", "bob")]
    assert engine.agent_state("bob") is AgentState.BUSY


def test_best_skill_prefers_the_higher_level(clock: VirtualClock) -> None:
    queue = QueueConfig("billing", skills={"billing": 1}, strategy=Strategy.BEST_SKILL)
    engine = engine_with(clock, queue, agents=(agent("ann", billing=2), agent("bob", billing=5)))
    engine.login("ann")
    engine.login("bob")

    assert offers(engine.contact_arrived("c1", "billing")) == [("c1", "bob")]


def test_round_robin_takes_turns(clock: VirtualClock) -> None:
    queue = QueueConfig("billing", strategy=Strategy.ROUND_ROBIN, skills={"billing": 1})
    engine = engine_with(clock, queue, agents=(agent("ann"), agent("bob")), auto_accept=True)
    engine.login("ann")
    engine.login("bob")
    served = []
    for number in range(4):
        (_, who), *_ = offers(engine.contact_arrived(number, "billing"))
        served.append(who)
        engine.complete(number)

    assert served[0] != served[1]
    assert served[:2] == served[2:]


def test_least_occupied_spreads_chats(clock: VirtualClock) -> None:
    queue = QueueConfig(
        "chat", channel=Channel.CHAT, strategy=Strategy.LEAST_OCCUPIED, skills={"billing": 1}
    )
    chatters = tuple(
        AgentProfile(name, "paris", {"billing": 1}, capacity={Channel.CHAT: 3})
        for name in ("ann", "bob")
    )
    engine = engine_with(clock, queue, agents=chatters)
    engine.login("ann")
    engine.login("bob")
    taken = [offers(engine.contact_arrived(n, "chat"))[0][1] for n in range(4)]

    assert sorted(taken) == ["ann", "ann", "bob", "bob"]
    assert engine.agent_load("ann")[Channel.CHAT] == 2


def test_nobody_free_the_contact_waits_then_takes_the_freed_agent(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    engine.accept("c1")

    queued = engine.contact_arrived("c2", "billing")
    clock.advance(60)
    freed = engine.complete("c1")

    assert any(isinstance(e, ContactQueued) for e in queued)
    assert offers(freed) == [("c2", "ann")]


def test_priority_before_waiting_time(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("busy", "billing")
    engine.accept("busy")
    engine.contact_arrived("old", "billing")
    clock.advance(10)
    engine.contact_arrived("vip", "billing", priority=5)

    assert offers(engine.complete("busy")) == [("vip", "ann")]


def test_internal_first_then_atlas_after_30_s_then_anyone_after_90_s(clock: VirtualClock) -> None:
    queue = QueueConfig(
        "billing",
        skills={"billing": 3},
        steps=(
            OverflowStep(0, Target(internal=True)),
            OverflowStep(30, Target(partners=ATLAS)),
            OverflowStep(90, Target(), skill_levels={"billing": 1}),
        ),
    )
    team = (
        agent("paris_busy", "paris"),
        agent("rabat", "rabat"),
        agent("bucharest_junior", "bucharest", billing=1),
    )
    engine = engine_with(clock, queue, agents=team)
    for profile in team:
        engine.login(profile.agent_id)
    engine.contact_arrived("first", "billing")  # takes the Paris agent
    engine.accept("first")
    engine.contact_arrived("second", "billing")  # Rabat after 30 s
    engine.contact_arrived("third", "billing")  # the junior after 90 s

    assert engine.next_wakeup() == clock.now() + 30  # step 1 of "second" and "third"
    clock.advance(30)
    at_30 = engine.wake()
    engine.accept("second")
    clock.advance(59.9)
    assert offers(engine.wake()) == []
    clock.advance(0.1)
    at_90 = engine.wake()

    assert ("second", "rabat") in offers(at_30)
    assert ("third", "bucharest_junior") in offers(at_90)
    assert OverflowStepReached(clock.now(), "third", "billing", 2, False) in at_90


def test_a_step_with_nobody_logged_in_is_passed_at_once(clock: VirtualClock) -> None:
    queue = QueueConfig(
        "billing",
        steps=(OverflowStep(0, Target(internal=True)), OverflowStep(30, Target(partners=ATLAS))),
    )
    engine = engine_with(clock, queue, agents=(agent("rabat", "rabat"),))
    engine.login("rabat")

    events = engine.contact_arrived("c1", "billing")

    assert OverflowStepReached(clock.now(), "c1", "billing", 1, True) in events
    assert offers(events) == [("c1", "rabat")]


def test_dutch_contacts_only_go_to_agents_with_nl(clock: VirtualClock) -> None:
    queue = QueueConfig("billing_nl", language="nl", skills={"billing": 1})
    french = AgentProfile("ann", "paris", {"billing": 3}, frozenset({"fr"}))
    dutch = AgentProfile("bram", "home", {"billing": 1}, frozenset({"fr", "nl"}))
    engine = engine_with(clock, queue, agents=(french, dutch))
    engine.login("ann")

    waiting = engine.contact_arrived("c1", "billing_nl")
    served = engine.login("bram")

    assert offers(waiting) == []
    assert offers(served) == [("c1", "bram")]


def test_a_rejected_contact_keeps_its_place_and_skips_the_agent(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"), agent("bob")))
    engine.login("ann")
    engine.contact_arrived("busy", "billing")
    engine.accept("busy")
    engine.contact_arrived("c1", "billing")
    clock.advance(5)
    engine.contact_arrived("c2", "billing")
    engine.login("bob")  # bob gets c1, the oldest
    clock.advance(1)

    events = engine.reject("c1")

    assert offers(events) == [("c2", "bob")]
    assert engine.estimate_wait("c1").position == 1
    assert offers(engine.complete("busy")) == [("c1", "ann")]


def test_missed_offers_put_the_agent_not_ready(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),), missed_offers_limit=2)
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    clock.advance(15)
    first = engine.wake()
    clock.advance(15)
    second = engine.wake()

    assert [e.missed_in_a_row for e in first + second if isinstance(e, OfferExpired)] == [1, 2]
    assert engine.agent_state("ann") is AgentState.BREAK
    assert engine.contact_state("c1") is ContactState.WAITING
    assert offers(engine.end_break("ann")) == [("c1", "ann")]


def test_logout_with_a_pending_offer_requeues_the_contact(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"), agent("bob")))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    engine.login("bob")

    events = engine.logout("ann")

    assert any(isinstance(e, OfferWithdrawn) for e in events)
    assert offers(events) == [("c1", "bob")]


def test_logout_can_drop_contacts_in_hand(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    engine.accept("c1")
    engine.logout("ann", in_progress=InProgress.DROP)

    assert engine.contact_state("c1") is None
    assert engine.agent_state("ann") is AgentState.OFFLINE


def test_wrap_up_holds_the_agent(clock: VirtualClock) -> None:
    queue = QueueConfig("billing", wrap_up_s=30)
    engine = engine_with(clock, queue, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    engine.accept("c1")
    engine.complete("c1")
    queued = engine.contact_arrived("c2", "billing")

    assert engine.agent_state("ann") is AgentState.WRAP_UP
    assert offers(queued) == []
    clock.advance(30)
    ended = engine.wake()
    assert isinstance(ended[0], WrapUpEnded)
    assert offers(ended) == [("c2", "ann")]


def test_transfer_to_another_queue_and_to_an_agent(clock: VirtualClock) -> None:
    sales = QueueConfig("sales", skills={"sales": 1})
    engine = engine_with(
        clock, BILLING, sales, agents=(agent("ann"), agent("sam", sales=2), agent("bob"))
    )
    for name in ("ann", "sam", "bob"):
        engine.login(name)
    engine.contact_arrived("c1", "billing")
    engine.accept("c1")
    holder = engine.contact_agent("c1")

    to_sales = engine.transfer_to_queue("c1", "sales")
    engine.accept("c1")
    to_bob = engine.transfer_to_agent("c1", "bob")

    assert ContactTransferred(clock.now(), "c1", "billing", "sales", None, "transfer") in to_sales
    assert offers(to_sales) == [("c1", "sam")]
    assert engine.agent_state(holder or "") is AgentState.AVAILABLE
    assert [e.direct for e in to_bob if isinstance(e, OfferMade)] == [True]
    engine.start_break("sam", BreakReason.COACHING)
    with pytest.raises(RoutingError) as refused:
        engine.transfer_to_agent("c1", "sam")
    assert refused.value.code is RoutingErrorCode.AGENT_UNAVAILABLE


def test_abandon_while_waiting_and_while_offered(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")
    engine.contact_arrived("c2", "billing")
    clock.advance(7)

    while_waiting = engine.abandon("c2")
    while_offered = engine.abandon("c1")

    assert ContactAbandoned(clock.now(), "c2", "billing", 7.0) in while_waiting
    assert any(isinstance(e, OfferWithdrawn) for e in while_offered)
    assert engine.agent_state("ann") is AgentState.AVAILABLE


def test_estimated_wait_and_position(clock: VirtualClock) -> None:
    queue = QueueConfig("billing", expected_handle_s=300)
    engine = engine_with(clock, queue, agents=(agent("ann"), agent("bob")), auto_accept=True)
    engine.login("ann")
    engine.login("bob")
    for number in range(5):
        engine.contact_arrived(number, "billing")

    estimate = engine.estimate_wait(4)

    assert estimate.position == 3
    assert estimate.seconds == pytest.approx(3 * 300 / 2)
    assert engine.estimate_new_contact_wait("billing").position == 4


def test_after_the_last_step_offer_a_callback_or_move(clock: VirtualClock) -> None:
    callback = QueueConfig("billing", exhausted=Exhausted(ExhaustedAction.OFFER_CALLBACK, 120))
    moving = QueueConfig("sales", exhausted=Exhausted(ExhaustedAction.MOVE_TO_QUEUE, 60, "billing"))
    engine = engine_with(clock, callback, moving)
    engine.contact_arrived("c1", "billing")
    engine.contact_arrived("c2", "sales")
    clock.advance(60)
    moved = engine.wake()
    clock.advance(60)
    offered = engine.wake()

    assert (
        ContactTransferred(clock.now() - 60, "c2", "sales", "billing", None, "exhausted") in moved
    )
    assert CallbackOffered(clock.now(), "c1", "billing") in offered
    assert engine.contact_state("c1") is ContactState.WAITING


def test_invalid_requests_change_nothing(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.contact_arrived("c1", "billing")

    with pytest.raises(RoutingError) as unknown:
        engine.accept("nope")
    with pytest.raises(RoutingError) as twice:
        engine.contact_arrived("c1", "billing")
    with pytest.raises(RoutingError):
        engine.complete("c1")  # offered, not connected

    assert unknown.value.code is RoutingErrorCode.UNKNOWN_CONTACT
    assert twice.value.code is RoutingErrorCode.DUPLICATE_CONTACT
    assert engine.contact_state("c1") is ContactState.OFFERED


def test_a_break_keeps_the_agent_out_of_routing(clock: VirtualClock) -> None:
    engine = engine_with(clock, BILLING, agents=(agent("ann"),))
    engine.login("ann")
    engine.start_break("ann", BreakReason.PRAYER)

    assert offers(engine.contact_arrived("c1", "billing")) == []
    assert offers(engine.end_break("ann")) == [("c1", "ann")]
