"""The baseline of `bench.routing_engine`: a router with no index.

For each contact it scans every agent, and for each freed agent every waiting contact.
It plays the same script as the engine (`routing_workload.play`) through the same calls,
with the same rules: overflow steps widen by waiting time (a timer per step re-scans the
agents for the contact), step hours, skills and relaxed levels, language, channel capacity
(voice alone), the queue's strategy, offers that time out (three missed in a row: the agent
stops taking offers), rejections (never offered again to that agent), wrap-up, breaks,
priority then first come first served. It does not offer callbacks when steps run out.
"""

from __future__ import annotations

import heapq

from relais.core.clock import VirtualClock
from relais.core.routing import (
    AgentProfile,
    BreakReason,
    Channel,
    ContactId,
    ContactState,
    OfferMade,
    OverflowStepReached,
    QueueConfig,
    RoutingError,
    RoutingErrorCode,
    RoutingEvent,
    Site,
    Strategy,
)

EXPIRE, STEP, WRAP_UP_END = range(3)
VOICE = int(Channel.VOICE)


class NaiveAgent:
    __slots__ = ("idle", "load", "missed", "profile", "ready", "site")

    def __init__(self, profile: AgentProfile, site: Site, now: float) -> None:
        self.profile = profile
        self.site = site
        self.load = [0] * len(Channel)
        self.idle = now
        self.ready = True
        self.missed = 0


class NaiveContact:
    __slots__ = ("agent", "config", "contact_id", "declined", "queued_at", "seq", "state", "token")

    def __init__(self, contact_id: ContactId, config: QueueConfig, now: float, seq: int) -> None:
        self.contact_id = contact_id
        self.config = config
        self.queued_at = now
        self.seq = seq
        self.state = ContactState.WAITING
        self.agent = -1
        self.declined: set[int] = set()
        self.token = 0


class NaiveRouter:
    def __init__(
        self,
        clock: VirtualClock,
        sites: tuple[Site, ...],
        configs: list[QueueConfig],
        profiles: list[AgentProfile],
        *,
        missed_offers_limit: int = 3,
    ) -> None:
        self.clock = clock
        by_id = {site.site_id: site for site in sites}
        self.queues = {config.queue_id: config for config in configs}
        now = clock.now()
        self.agents = [NaiveAgent(p, by_id[p.site_id], now) for p in profiles]
        self.agent_index = {p.agent_id: index for index, p in enumerate(profiles)}
        self.waiting: list[NaiveContact] = []
        self.contacts: dict[ContactId, NaiveContact] = {}
        self.timers: list[tuple[float, int, int, ContactId, int]] = []
        self.turn: dict[tuple[int, str], int] = {}
        self.counter = 0
        self.missed_offers_limit = missed_offers_limit
        self.events: list[RoutingEvent] = []

    # -- the rules ---------------------------------------------------------------------------

    def _steps_reached(self, contact: NaiveContact, now: float) -> int:
        steps = contact.config.steps
        reached = 0
        while reached + 1 < len(steps) and steps[reached + 1].after_s <= now - contact.queued_at:
            reached += 1
        return reached

    def _eligible(self, agent_index: int, contact: NaiveContact, now: float) -> bool:
        agent = self.agents[agent_index]
        profile = agent.profile
        config = contact.config
        load = agent.load
        if not agent.ready or load[int(config.channel)] >= profile.capacity.get(config.channel, 0):
            return False
        if load[VOICE] or (config.channel is Channel.VOICE and any(load)):
            return False
        if config.language is not None and config.language not in profile.languages:
            return False
        if agent_index in contact.declined:
            return False
        for index in range(self._steps_reached(contact, now) + 1):
            step = config.steps[index]
            if step.hours is not None and not step.hours.is_open(now):
                continue
            levels = config.levels_at(index)
            if step.target.matches(agent.site) and all(
                profile.skills.get(skill, 0) >= level for skill, level in levels.items()
            ):
                return True
        return False

    def _key(self, agent_index: int, config: QueueConfig) -> tuple[float, float]:
        agent = self.agents[agent_index]
        profile = agent.profile
        if config.strategy is Strategy.BEST_SKILL:
            return (-float(sum(profile.skills.get(s, 0) for s in config.skills)), agent.idle)
        if config.strategy is Strategy.LEAST_OCCUPIED:
            channel = int(config.channel)
            return (agent.load[channel] / profile.capacity[config.channel], agent.idle)
        if config.strategy is Strategy.ROUND_ROBIN:
            return (float(self.turn.get((agent_index, config.queue_id), -1)), 0.0)
        return (agent.idle, 0.0)

    # -- decisions ---------------------------------------------------------------------------

    def _offer(self, contact: NaiveContact, agent_index: int, now: float) -> None:
        config = contact.config
        agent = self.agents[agent_index]
        agent.load[int(config.channel)] += 1
        agent.idle = now
        self.turn[(agent_index, config.queue_id)] = self.counter
        self.counter += 1
        contact.state = ContactState.OFFERED
        contact.agent = agent_index
        contact.token += 1
        expires_at = now + config.offer_timeout_s
        heapq.heappush(
            self.timers, (expires_at, self._seq(), EXPIRE, contact.contact_id, contact.token)
        )
        self.events.append(
            OfferMade(
                now,
                contact.contact_id,
                agent.profile.agent_id,
                config.queue_id,
                self._steps_reached(contact, now),
                expires_at,
            )
        )

    def _seq(self) -> int:
        self.counter += 1
        return self.counter

    def _place(self, contact: NaiveContact, now: float) -> None:
        """Scan every agent for the contact; offer to the best, or keep it waiting."""
        best: tuple[tuple[float, float], int] | None = None
        for index in range(len(self.agents)):
            if self._eligible(index, contact, now):
                key = self._key(index, contact.config)
                if best is None or key < best[0]:
                    best = (key, index)
        if best is None:
            if contact not in self.waiting:
                self.waiting.append(contact)
            return
        if contact in self.waiting:
            self.waiting.remove(contact)
        self._offer(contact, best[1], now)

    def _free(self, agent_index: int, now: float) -> None:
        """Scan every waiting contact for the agent; offer the best while it can take more."""
        while True:
            best: tuple[tuple[int, float, int], NaiveContact] | None = None
            for contact in self.waiting:
                if self._eligible(agent_index, contact, now):
                    key = (-contact.config.priority, contact.queued_at, contact.seq)
                    if best is None or key < best[0]:
                        best = (key, contact)
            if best is None:
                return
            self.waiting.remove(best[1])
            self._offer(best[1], agent_index, now)

    def _release(self, contact: NaiveContact, now: float) -> int:
        agent_index = contact.agent
        agent = self.agents[agent_index]
        agent.load[int(contact.config.channel)] -= 1
        agent.idle = now
        contact.agent = -1
        return agent_index

    def _take_back(self, contact: NaiveContact, now: float, *, decline: bool) -> None:
        agent_index = self._release(contact, now)
        if decline:
            contact.declined.add(agent_index)
        contact.state = ContactState.WAITING
        contact.token += 1
        self._place(contact, now)
        self._free(agent_index, now)

    def _done(self) -> list[RoutingEvent]:
        events, self.events = self.events, []
        return events

    # -- the engine's API --------------------------------------------------------------------

    def contact_arrived(self, contact_id: ContactId, queue_id: str) -> list[RoutingEvent]:
        now = self.clock.now()
        config = self.queues[queue_id]
        contact = NaiveContact(contact_id, config, now, self._seq())
        self.contacts[contact_id] = contact
        for index, step in enumerate(config.steps):
            if step.after_s > 0:
                at = now + step.after_s
                heapq.heappush(self.timers, (at, self._seq(), STEP, contact_id, index))
        self._place(contact, now)
        return self._done()

    def accept(self, contact_id: ContactId) -> list[RoutingEvent]:
        contact = self.contacts[contact_id]
        contact.state = ContactState.CONNECTED
        contact.token += 1
        self.agents[contact.agent].missed = 0
        return []

    def reject(self, contact_id: ContactId) -> list[RoutingEvent]:
        self._take_back(self.contacts[contact_id], self.clock.now(), decline=True)
        return self._done()

    def complete(self, contact_id: ContactId) -> list[RoutingEvent]:
        now = self.clock.now()
        contact = self.contacts[contact_id]
        wrap_up_s = contact.config.wrap_up_s
        contact.token += 1
        if wrap_up_s > 0:
            contact.state = ContactState.WRAP_UP
            at = now + wrap_up_s
            heapq.heappush(self.timers, (at, self._seq(), WRAP_UP_END, contact_id, contact.token))
            return []
        del self.contacts[contact_id]
        self._free(self._release(contact, now), now)
        return self._done()

    def abandon(self, contact_id: ContactId) -> list[RoutingEvent]:
        contact = self.contacts.pop(contact_id)
        self.waiting.remove(contact)
        contact.token += 1
        return []

    def start_break(self, agent_id: str, reason: BreakReason) -> list[RoutingEvent]:
        self.agents[self.agent_index[agent_id]].ready = False
        return []

    def end_break(self, agent_id: str) -> list[RoutingEvent]:
        index = self.agent_index[agent_id]
        agent = self.agents[index]
        if agent.ready:
            raise RoutingError(RoutingErrorCode.INVALID_TRANSITION, f"{agent_id} is not on a break")
        agent.ready = True
        agent.missed = 0
        self._free(index, self.clock.now())
        return self._done()

    def wake(self) -> list[RoutingEvent]:
        now = self.clock.now()
        timers = self.timers
        while timers and timers[0][0] <= now:
            _, _, kind, contact_id, token = heapq.heappop(timers)
            contact = self.contacts.get(contact_id)
            if contact is None:
                continue
            if kind == STEP:
                if contact.state is ContactState.WAITING:
                    self.events.append(
                        OverflowStepReached(now, contact_id, contact.config.queue_id, token, False)
                    )
                    self._place(contact, now)
            elif contact.token != token:
                continue
            elif kind == EXPIRE:
                agent = self.agents[contact.agent]
                agent.missed += 1
                if agent.missed >= self.missed_offers_limit:
                    agent.missed = 0
                    agent.ready = False
                self._take_back(contact, now, decline=False)
            else:  # the wrap-up ended
                del self.contacts[contact_id]
                self._free(self._release(contact, now), now)
        return self._done()

    def next_wakeup(self) -> float | None:
        timers = self.timers
        while timers and not self._live(timers[0]):
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def _live(self, timer: tuple[float, int, int, ContactId, int]) -> bool:
        contact = self.contacts.get(timer[3])
        if contact is None:
            return False
        if timer[2] == STEP:
            return contact.state is ContactState.WAITING
        return contact.token == timer[4]

    def contact_state(self, contact_id: ContactId) -> ContactState | None:
        contact = self.contacts.get(contact_id)
        return None if contact is None else contact.state
