"""Staffing actions of a replication: the plan's presence windows, breaks and site outages
brought to the routing engine (login, breaks, end of shift, logout). Part of `runner._Run`.
"""

from __future__ import annotations

from relais.core.clock import VirtualClock
from relais.core.routing import BreakReason, RoutingEngine, RoutingEvent
from relais.core.routing.model import InProgress
from relais.core.simulation.presence import BREAK, MODES, REASONS, SITE_DOWN, SITE_UP, WINDOW, Staff

__all__ = ["StaffSync"]

_LEAVING = REASONS.index(BreakReason.OTHER)


class StaffSync:
    """Per-agent plan state and its synchronisation with the engine."""

    engine: RoutingEngine
    clock: VirtualClock
    staff: Staff
    held: list[int]
    leaving: list[bool]
    logged: list[bool]
    in_window: list[bool]
    wanted_break: list[int]
    on_break: list[int]
    logged_since: list[float]
    site_down: list[int]
    site_mode: list[int]
    site_agents: list[list[int]]
    to_logout: list[int]
    logged_seconds: list[float]
    agent_logged_seconds: list[float]

    def apply(self, events: list[RoutingEvent]) -> None:
        raise NotImplementedError

    def staffing(self, kind: int, subject: int, value: int) -> None:
        if kind == WINDOW:
            self.in_window[subject] = bool(value)
            self.sync(subject)
        elif kind == BREAK:
            self.wanted_break[subject] = value
            self.sync(subject)
        elif kind == SITE_DOWN:
            self.site_down[subject] += 1
            self.site_mode[subject] = value
            for agent in self.site_agents[subject]:
                self.sync(agent)
        elif kind == SITE_UP:
            self.site_down[subject] -= 1
            for agent in self.site_agents[subject]:
                self.sync(agent)

    def sync(self, agent: int) -> None:
        """Bring the engine's view of the agent in line with the plan."""
        engine = self.engine
        agent_id = self.staff.profiles[agent].agent_id
        site = self.staff.agent_sites[agent]
        now = self.clock.now()
        wanted = self.in_window[agent] and not self.site_down[site]
        pause = self.wanted_break[agent]
        if wanted:
            if not self.logged[agent]:
                reason = REASONS[pause] if pause >= 0 else None
                self.logged[agent] = True
                self.logged_since[agent] = now
                self.on_break[agent] = pause
                self.leaving[agent] = False
                self.apply(engine.login(agent_id, break_reason=reason))
                return
            if self.leaving[agent]:
                self.leaving[agent] = False
                self.on_break[agent] = -2  # the leaving pause: replaced below
            if self.on_break[agent] != pause:
                self.on_break[agent] = pause
                if pause >= 0:
                    self.apply(engine.start_break(agent_id, REASONS[pause]))
                else:
                    self.apply(engine.end_break(agent_id))
            return
        if not self.logged[agent]:
            return
        if self.site_down[site] or self.held[agent] == 0:
            self.logout(agent, MODES[self.site_mode[site]] if self.site_down[site] else MODES[0])
        elif not self.leaving[agent]:
            self.leaving[agent] = True  # finish the contacts in hand, take no new one
            if self.on_break[agent] < 0:
                self.on_break[agent] = _LEAVING
                self.apply(engine.start_break(agent_id, BreakReason.OTHER))

    def logout(self, agent: int, mode: InProgress) -> None:
        agent_id = self.staff.profiles[agent].agent_id
        now = self.clock.now()
        self.logged[agent] = False
        self.leaving[agent] = False
        self.on_break[agent] = -1
        self.logged_seconds[self.staff.agent_sites[agent]] += now - self.logged_since[agent]
        self.agent_logged_seconds[agent] += now - self.logged_since[agent]
        self.apply(self.engine.logout(agent_id, in_progress=mode))
        self.held[agent] = 0

    def flush_logouts(self) -> None:
        while self.to_logout:
            agent = self.to_logout.pop()
            if self.logged[agent] and self.leaving[agent] and self.held[agent] == 0:
                self.logout(agent, MODES[0])
