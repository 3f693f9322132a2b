"""Properties of the routing engine over random event sequences (hypothesis).

A driver applies random requests to a small contact centre on a virtual clock that never
jumps over the engine's next wake-up, and checks every event against an independent model:
capacity, one offer at a time, eligibility of the current overflow step, first come first
served (a contact whose agent was lost first of all), overflow timing, and that no contact is
ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactAbandoned,
    ContactCompleted,
    ContactDropped,
    ContactQueued,
    ContactRefused,
    ContactState,
    ContactTransferred,
    InProgress,
    OfferExpired,
    OfferMade,
    OfferRejected,
    OfferWithdrawn,
    OverflowStep,
    OverflowStepReached,
    QueueConfig,
    RoutingEngine,
    RoutingError,
    RoutingEvent,
    Site,
    Strategy,
    Target,
    WrapUpEnded,
    weekly,
)
from tests.core.routing.conftest import SITES

SITE_BY_ID = {site.site_id: site for site in SITES}
EVENING = weekly("Europe/Paris", "mon-fri 18:00-23:00")
QUEUES = (
    QueueConfig(
        "billing",
        skills={"billing": 3},
        offer_timeout_s=10,
        steps=(
            OverflowStep(0, Target(internal=True)),
            OverflowStep(30, Target(partners=frozenset({"atlas"}))),
            OverflowStep(90, Target(), skill_levels={"billing": 1}),
        ),
    ),
    QueueConfig(
        "chat",
        channel=Channel.CHAT,
        strategy=Strategy.LEAST_OCCUPIED,
        wrap_up_s=5,
        steps=(OverflowStep(0, Target(internal=True)), OverflowStep(20, Target())),
    ),
    QueueConfig(
        "dutch",
        language="nl",
        priority=1,
        strategy=Strategy.ROUND_ROBIN,
        steps=(
            OverflowStep(0, Target(site_kinds=frozenset({"inshore", "homeshore"}))),  # type: ignore[arg-type]
            OverflowStep(0, Target(sites=frozenset({"rabat"})), hours=EVENING),
        ),
    ),
    QueueConfig(  # its chats may share an agent with a call
        "assist", channel=Channel.CHAT, chats_during_calls=True, steps=(OverflowStep(0, Target()),)
    ),
)
QUEUE_BY_ID = {queue.queue_id: queue for queue in QUEUES}
AGENTS = (
    AgentProfile("p1", "paris", {"billing": 3}, frozenset({"fr"}), {Channel.VOICE: 1}),
    AgentProfile(
        "p2", "paris", {"billing": 1}, frozenset({"fr", "nl"}), {Channel.VOICE: 1, Channel.CHAT: 2}
    ),
    AgentProfile("r1", "rabat", {"billing": 4}, frozenset({"fr", "nl"}), {Channel.VOICE: 1}),
    AgentProfile("r2", "rabat", {}, frozenset({"fr"}), {Channel.CHAT: 3}),
    AgentProfile("b1", "bucharest", {"billing": 1}, frozenset({"fr"}), {Channel.VOICE: 1}),
    AgentProfile("h1", "home", {"billing": 2}, frozenset({"nl"}), {Channel.VOICE: 1}),
)
PROFILE = {profile.agent_id: profile for profile in AGENTS}
TERMINAL = (ContactAbandoned, ContactDropped, ContactRefused, WrapUpEnded)


def eligible(agent_id: str, queue: QueueConfig, step: int, at: float) -> bool:
    """Independent statement of who may take a contact at `step` of `queue` at `at`."""
    profile = PROFILE[agent_id]
    site: Site = SITE_BY_ID[profile.site_id]
    if queue.language is not None and queue.language not in profile.languages:
        return False
    if profile.capacity.get(queue.channel, 0) <= 0:
        return False
    for index in range(step + 1):
        overflow = queue.steps[index]
        if overflow.hours is not None and not overflow.hours.is_open(at):
            continue
        levels = queue.levels_at(index)
        if overflow.target.matches(site) and all(
            profile.skills.get(skill, 0) >= level for skill, level in levels.items()
        ):
            return True
    return False


@dataclass
class Model:
    """What the events say about every contact."""

    queue: dict[str, str] = field(default_factory=dict)
    queued_at: dict[str, float] = field(default_factory=dict)
    priority: dict[str, int] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    step: dict[str, int] = field(default_factory=dict)
    waiting_since: dict[str, float] = field(default_factory=dict)  # only while waiting
    holder: dict[str, str] = field(default_factory=dict)
    declined: dict[str, set[str]] = field(default_factory=dict)
    head: set[str] = field(default_factory=set)  # put back at the head (agent lost)
    ended: set[str] = field(default_factory=set)
    arrivals: int = 0

    def arrive(self, contact_id: str, queue_id: str, at: float, priority: int) -> None:
        self.arrivals += 1
        self.queue[contact_id] = queue_id
        self.queued_at[contact_id] = at
        self.priority[contact_id] = priority
        self.order[contact_id] = self.arrivals
        self.step[contact_id] = 0
        self.declined[contact_id] = set()

    def check(self, events: list[RoutingEvent]) -> None:
        for event in events:
            if isinstance(event, OfferMade):
                self.check_offer(event)
            elif isinstance(event, ContactQueued):
                self.holder.pop(str(event.contact_id), None)
                assert event.step == self.step[str(event.contact_id)]
                self.waiting_since[str(event.contact_id)] = event.at
            elif isinstance(event, OverflowStepReached):
                contact = str(event.contact_id)
                assert event.step == self.step[contact] + 1
                due = (
                    self.queued_at[contact] + QUEUE_BY_ID[event.queue_id].steps[event.step].after_s
                )
                if not event.early:
                    assert event.at >= due
                    since = self.waiting_since.get(contact)
                    if since is not None and since <= due:
                        assert event.at == due  # fired on time while waiting
                else:
                    assert event.at <= due
                self.step[contact] = event.step
            elif isinstance(event, OfferRejected):
                self.holder.pop(str(event.contact_id))
                self.declined[str(event.contact_id)].add(event.agent_id)
            elif isinstance(event, (OfferExpired, OfferWithdrawn)):
                self.holder.pop(str(event.contact_id))
            elif isinstance(event, ContactTransferred):
                contact = str(event.contact_id)
                self.holder.pop(contact, None)
                self.waiting_since.pop(contact, None)
                if event.to_queue_id is not None:
                    self.head.discard(contact)
                    self.queue[contact] = event.to_queue_id
                    self.queued_at[contact] = event.at
                    self.priority[contact] = QUEUE_BY_ID[event.to_queue_id].priority
                    self.step[contact] = 0
                    self.declined[contact] = set()
            elif (
                isinstance(event, ContactCompleted) and event.wrap_up_until == event.at
            ) or isinstance(event, TERMINAL):
                self.finish(str(event.contact_id))

    def finish(self, contact_id: str) -> None:
        assert contact_id not in self.ended
        self.holder.pop(contact_id, None)
        self.waiting_since.pop(contact_id, None)
        self.ended.add(contact_id)

    def place(self, contact: str) -> tuple[bool, float, int]:
        """Its place in the line: the head first, then by queued time and arrival."""
        return (contact not in self.head, self.queued_at[contact], self.order[contact])

    def check_offer(self, offer: OfferMade) -> None:
        contact = str(offer.contact_id)
        assert contact not in self.holder, "offered to two agents at once"
        self.holder[contact] = offer.agent_id
        self.waiting_since.pop(contact, None)
        if offer.direct:
            return
        queue = QUEUE_BY_ID[offer.queue_id]
        assert offer.step == self.step[contact]
        assert eligible(offer.agent_id, queue, offer.step, offer.at), "outside the step"
        assert offer.agent_id not in self.declined[contact]
        mine = self.place(contact)
        for other in self.waiting_since:
            if (
                self.queue[other] == offer.queue_id
                and self.priority[other] == self.priority[contact]
                and self.place(other) < mine
                and offer.agent_id not in self.declined[other]
            ):
                assert not eligible(offer.agent_id, queue, self.step[other], offer.at), "FCFS"


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "arrive",
                "arrive",
                "arrive",
                "accept",
                "accept",
                "reject",
                "complete",
                "complete",
                "end_wrap_up",
                "abandon",
                "login",
                "login",
                "logout",
                "break",
                "end_break",
                "transfer",
                "transfer_agent",
                "agent_lost",
                "wait",
                "wait",
            ]
        ),
        st.integers(0, 1000),
        st.floats(0.5, 45.0),
    ),
    max_size=70,
)


def pick(candidates: list[str], draw: int) -> str | None:
    return candidates[draw % len(candidates)] if candidates else None


def apply(
    engine: RoutingEngine, model: Model, clock: VirtualClock, op: str, draw: int, dt: float
) -> list[RoutingEvent]:
    live = [c for c in model.queue if c not in model.ended]
    by_state = {
        state: [c for c in live if engine.contact_state(c) is state] for state in ContactState
    }
    agent = AGENTS[draw % len(AGENTS)].agent_id
    if op == "arrive":
        contact = f"c{model.arrivals}"
        queue = QUEUES[draw % len(QUEUES)]
        priority = queue.priority + (1 if draw % 11 == 0 else 0)
        model.arrive(contact, queue.queue_id, clock.now(), priority)
        return engine.contact_arrived(contact, queue.queue_id, priority=priority)
    if op == "wait":
        target = clock.now() + dt
        events: list[RoutingEvent] = []
        while (wake := engine.next_wakeup()) is not None and wake <= target:
            clock.set(wake)
            events += engine.wake()
            model.check(events)
            events = []
        clock.set(target)
        return events
    actions = {
        "accept": (ContactState.OFFERED, engine.accept),
        "reject": (ContactState.OFFERED, engine.reject),
        "complete": (ContactState.CONNECTED, engine.complete),
        "end_wrap_up": (ContactState.WRAP_UP, engine.end_wrap_up),
        "abandon": (ContactState.WAITING, engine.abandon),
    }
    if op in actions:
        state, action = actions[op]
        contact = pick(by_state[state], draw)
        return [] if contact is None else action(contact)
    if op == "agent_lost":
        contact = pick(by_state[ContactState.CONNECTED], draw)
        if contact is None:
            return []
        model.head.add(contact)
        model.declined[contact].add(model.holder[contact])
        return engine.requeue_at_head(contact)
    if op == "transfer":
        contact = pick(by_state[ContactState.CONNECTED] + by_state[ContactState.WAITING], draw)
        if contact is None:
            return []
        return engine.transfer_to_queue(contact, QUEUES[draw % 3].queue_id)
    try:
        if op == "transfer_agent":
            contact = pick(by_state[ContactState.CONNECTED], draw)
            return [] if contact is None else engine.transfer_to_agent(contact, agent)
        if op == "login":
            return engine.login(agent)
        if op == "logout":
            how = InProgress.DROP if draw % 2 else InProgress.REQUEUE
            return engine.logout(agent, in_progress=how)
        if op == "break":
            return engine.start_break(agent, BreakReason.LUNCH)
        return engine.end_break(agent)
    except RoutingError:
        return engine.wake()  # refused: nothing changed; time still runs


def check_capacity(engine: RoutingEngine) -> None:
    for profile in AGENTS:
        load = engine.agent_load(profile.agent_id)
        for channel in Channel:
            assert load[channel] <= profile.capacity.get(channel, 0), "beyond capacity"
        if load[Channel.VOICE]:
            others = [
                c.queue.config
                for c in engine._agents[profile.agent_id].contacts.values()
                if c.queue.channel != Channel.VOICE
            ]
            assert load[Channel.VOICE] == 1, "two calls at once"
            assert all(q.chats_during_calls for q in others), "a call and a chat at once"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS, seed=st.integers(0, 3))
def test_routing_invariants_hold_over_random_sequences(
    operations: list[tuple[str, int, float]], seed: int
) -> None:
    # Wednesday 2026-01-14 17:45 Paris: the Rabat evening step opens during the run
    clock = VirtualClock(1_768_409_100.0)
    engine = RoutingEngine(clock, sites=SITES, queues=QUEUES, missed_offers_limit=2, seed=seed)
    model = Model()
    for index, profile in enumerate(AGENTS):
        engine.add_agent(profile)
        if (index + seed) % 4:
            model.check(engine.login(profile.agent_id))
    for op, draw, dt in operations:
        model.check(apply(engine, model, clock, op, draw, dt))
        check_capacity(engine)
    # never lost: every contact has ended exactly once, or is still in the engine
    for contact in model.queue:
        assert (contact in model.ended) == (engine.contact_state(contact) is None), contact
