"""Blocking briefings in a replication: agents held back from queues until they have read.

Each `BriefingRollout` event of the scenario reaches the agents who may serve one of its
queues in waves (`relais.core.briefings.rollout_waves`; the agents taken one site after
another, so that a wave does not empty one site). An agent reached is held back from those
queues at once (`relais.core.routing.holds`: the contacts in hand carry on); it reads the
briefing once it holds no contact, for `reading_s`, then is eligible again. Part of
`runner._Run`, next to `StaffSync`.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappush

from relais.core.briefings import rollout_waves, spread_by_site
from relais.core.clock import VirtualClock
from relais.core.routing import AgentProfile, RoutingEngine, RoutingEvent
from relais.core.routing.holds import with_holds
from relais.core.routing.roster import meets
from relais.core.simulation.scenario import BriefingRollout, Scenario

__all__ = ["BRIEFED", "READ", "BriefingSync", "briefing_actions"]

BRIEFED, READ = 14, 15  # calendar kinds: (agent, briefing number)


def _serves(profile: AgentProfile, scenario: Scenario, queues: frozenset[str]) -> bool:
    for spec in scenario.queues:
        config = spec.config
        if config.queue_id not in queues or profile.capacity.get(config.channel, 0) <= 0:
            continue
        if config.language is not None and config.language not in profile.languages:
            continue
        if any(meets(profile.skills, config.levels_at(s)) for s in range(len(config.steps))):
            return True
    return False


def briefing_actions(
    scenario: Scenario, profiles: Sequence[AgentProfile], agent_sites: Sequence[int]
) -> list[tuple[float, int, int, int]]:
    """(time, BRIEFED, agent, briefing number) for every wave of every briefing."""
    actions: list[tuple[float, int, int, int]] = []
    briefings = [e for e in scenario.events if isinstance(e, BriefingRollout)]
    for number, briefing in enumerate(briefings):
        concerned = [i for i, p in enumerate(profiles) if _serves(p, scenario, briefing.queues)]
        for when, wave in rollout_waves(
            briefing.rollout, spread_by_site(concerned, agent_sites.__getitem__)
        ):
            actions.extend((when, BRIEFED, agent, number) for agent in wave)
    return actions


class BriefingSync:
    """Per-agent unread briefings and their holds, brought to the engine."""

    engine: RoutingEngine
    clock: VirtualClock
    scenario: Scenario
    held: list[int]
    calendar: list[tuple[float, int, int, int, int]]
    seq: int
    profiles: list[AgentProfile]
    unread: list[list[int]]  # per agent: briefings reached and not yet read
    to_read: list[list[int]]  # per agent: briefings to read once the contacts in hand end

    def apply(self, events: list[RoutingEvent]) -> None:
        raise NotImplementedError

    @property
    def briefings(self) -> list[BriefingRollout]:
        return [e for e in self.scenario.events if isinstance(e, BriefingRollout)]

    def briefing(self, kind: int, agent: int, number: int) -> None:
        if kind == BRIEFED:
            self.unread[agent].append(number)
            self._hold(agent)
            self.to_read[agent].append(number)
            if self.held[agent] == 0:
                self.read_when_free(agent)
        elif kind == READ:
            self.unread[agent].remove(number)
            self._hold(agent)

    def read_when_free(self, agent: int) -> None:
        """The agent holds no contact: it reads its pending briefings, one after another."""
        now = self.clock.now()
        briefings = self.briefings
        for number in self.to_read[agent]:
            now += briefings[number].reading_s
            self.seq += 1
            heappush(self.calendar, (now, self.seq, READ, agent, number))
        self.to_read[agent].clear()

    def _hold(self, agent: int) -> None:
        briefings = self.briefings
        queues = frozenset().union(*(briefings[n].queues for n in self.unread[agent]))
        profile = with_holds(self.profiles[agent], queues)
        self.profiles[agent] = profile
        self.apply(self.engine.update_agent(profile))
