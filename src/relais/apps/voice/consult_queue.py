"""Consulting a queue (attended transfer to a queue; docs/voice.md, "Consulting a queue").

The agent names a queue instead of a colleague. The routing engine picks the colleague: a
`RoutingEngine` of that one queue and its free agents, given a contact arriving in it now,
makes the offer the router would make (the queue's hours, first overflow steps and strategy;
its `offer_made` names the agent). Free: the agents the router shows available (logged in,
connected, nothing in hand, no break), with their idle time and their holds. The colleague
is then reserved while the consultation lasts: held back from every active queue
(`routing.QueueHold`, source `consult:<contact id>`, and `agent.holds_changed` so the live
router updates that agent alone), so the router offers them nothing else meanwhile; the
consultation's end lifts it (`consult_release`). The consultation itself is that of a
colleague (`consult.py`): the voice service rings them with `X-Relais-Consult`.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import QuerySet

from relais.apps.interactions.holds import agent_holds_place, queue_holds_lift
from relais.apps.interactions.models import OUT_STATES, AgentPresence, PresenceState
from relais.apps.organisation.models import Agent
from relais.apps.routing.config import (
    agent_profile,
    agents_for_engine,
    engine_queue,
    engine_sites,
    queues_for_engine,
)
from relais.apps.routing.holds import QueueHold, held_queues
from relais.apps.routing.models import Queue
from relais.core.clock import SystemClock, from_datetime
from relais.core.routing import BreakReason, Exhausted, OfferMade, RoutingEngine
from relais.core.routing.holds import with_holds
from relais.core.routing.restore import AgentSnapshot, EngineSnapshot, restore

#: The engine's id of the contact a consultation stands for (never a contact of the record).
_PROBE = "consult"


def _source(contact_id: int) -> str:
    return f"consult:{contact_id}"


def consult_reserved() -> QuerySet[QueueHold]:
    """The holds of the agents reserved for a consultation now (`.values("agent_id")` for
    their ids)."""
    return QueueHold.objects.filter(source__startswith="consult:")


def consult_agent_pick(queue: Queue, *, excluding: frozenset[int] = frozenset()) -> int | None:
    """The free agent the routing engine offers a contact arriving in `queue` now (None:
    nobody free may take it, or the queue is closed). `excluding`: agents not to pick."""
    row = queues_for_engine().filter(pk=queue.pk).first()
    if row is None:
        return None
    config = engine_queue(row)
    # the probe never waits long enough to leave the queue: the exhausted step is not needed
    engine = RoutingEngine(
        SystemClock(),
        sites=engine_sites(),
        queues=[replace(config, exhausted=Exhausted())],
    )
    # every logged-in agent counts for the steps (one with nobody logged in may be skipped);
    # those not free (busy, wrapping up, on a break, passed over) as on a break
    logged_in = list(
        agents_for_engine()
        .exclude(presence__isnull=True)
        .exclude(presence__state__in=OUT_STATES)
        .select_related("presence")
    )
    holds = held_queues(agent.pk for agent in logged_in)
    for agent in logged_in:
        engine.add_agent(with_holds(agent_profile(agent), holds.get(agent.pk, ())))
    restore(engine, EngineSnapshot(tuple(_snapshot(agent, excluding) for agent in logged_in)))
    for event in engine.contact_arrived(_PROBE, config.queue_id, priority=row.priority):
        if isinstance(event, OfferMade) and event.contact_id == _PROBE:
            return int(event.agent_id)
    return None


def _snapshot(agent: Agent, excluding: frozenset[int]) -> AgentSnapshot:
    presence = agent.presence
    free = presence.state == PresenceState.AVAILABLE and agent.pk not in excluding
    return AgentSnapshot(
        str(agent.pk),
        break_reason=None if free else BreakReason.OTHER,
        idle_since=from_datetime(presence.idle_since),
        missed_in_a_row=presence.missed_offers,
    )


def consult_agent_reserve(*, queue: Queue, contact_id: int, excluding: int) -> Agent | None:
    """Pick the queue's free agent and reserve them for the consultation of `contact_id`
    (inside the caller's transaction); None when nobody is free. The agent's presence row is
    locked, and an agent another consultation reserved meanwhile is passed over."""
    passed: set[int] = {excluding}
    while True:
        picked = consult_agent_pick(queue, excluding=frozenset(passed))
        if picked is None:
            return None
        locked = AgentPresence.objects.select_for_update().filter(
            agent_id=picked, state=PresenceState.AVAILABLE
        )
        if locked.exists() and not consult_reserved().filter(agent_id=picked).exists():
            break
        passed.add(picked)
    agent_holds_place(
        agent_id=picked, queues=Queue.objects.filter(active=True), source=_source(contact_id)
    )
    return Agent.objects.select_related("user").get(pk=picked)


def consult_release(*, contact_id: int) -> None:
    """The agent reserved for the consultation of `contact_id` (if any) may be offered
    contacts again (inside the caller's transaction; nothing when nobody was reserved)."""
    queue_holds_lift(source=_source(contact_id))


__all__ = ["consult_agent_pick", "consult_agent_reserve", "consult_release", "consult_reserved"]
