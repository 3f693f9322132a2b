"""Holding an agent back from some queues (a blocking briefing not yet acknowledged).

A hold is part of the agent's profile (`AgentProfile.held_queues`): the engine leaves those
queues out of the agent's memberships, so it is not eligible for them at any overflow step,
whatever its skills; contacts in hand carry on. Placing or lifting a hold is an
`update_agent` with the new profile, which takes effect at once. The live router follows
one agent's holds with `holds_set` (an acknowledgement lifts one agent's holds); holds placed
on many agents at once make it rebuild its engine from the record, where they are rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from relais.core.routing.engine import RoutingEngine
from relais.core.routing.events import RoutingEvent
from relais.core.routing.model import AgentProfile

__all__ = ["hold_lift", "hold_place", "holds_set", "with_holds"]


def with_holds(profile: AgentProfile, queues: Iterable[str]) -> AgentProfile:
    """The profile with exactly these queues held back."""
    return replace(profile, held_queues=frozenset(queues))


def hold_place(
    engine: RoutingEngine, profile: AgentProfile, queues: Iterable[str]
) -> tuple[AgentProfile, list[RoutingEvent]]:
    """Hold the agent back from `queues` too; returns its new profile and the events."""
    held = with_holds(profile, profile.held_queues | frozenset(queues))
    return held, engine.update_agent(held)


def hold_lift(
    engine: RoutingEngine, profile: AgentProfile, queues: Iterable[str]
) -> tuple[AgentProfile, list[RoutingEvent]]:
    """No longer hold the agent back from `queues`: it may be offered their contacts now."""
    freed = with_holds(profile, profile.held_queues - frozenset(queues))
    return freed, engine.update_agent(freed)


def holds_set(engine: RoutingEngine, agent_id: str, queues: Iterable[str]) -> list[RoutingEvent]:
    """Hold the agent back from exactly `queues` (its holds as the record now has them)."""
    return engine.update_agent(with_holds(engine.agent_profile(agent_id), queues))
