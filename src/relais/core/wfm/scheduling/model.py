"""Inputs of the scheduling problem: plain, typed, immutable data.

Durations and offsets are counted in intervals of the :class:`Week` (15 minutes by
default); absolute times are interval indices over the week. Calendars (holidays, Ramadan,
sunset) are computed elsewhere and arrive here as per-day data in :class:`SiteDay`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from relais.core.wfm.scheduling.week import Week


@dataclass(frozen=True, slots=True)
class BreakRule:
    """A break every shift of a template takes, placed relative to the shift start.

    The break starts ``earliest`` to ``latest`` intervals (inclusive) after the shift start.
    Windows of the breaks of one template must not overlap, so breaks never collide.
    """

    name: str
    length: int
    earliest: int
    latest: int
    paid: bool = True


@dataclass(frozen=True, slots=True)
class ShiftTemplate:
    """Shifts a site may use: local start window, lengths (span, breaks included), breaks."""

    name: str
    earliest_start: time
    latest_start: time
    lengths: tuple[int, ...]
    breaks: tuple[BreakRule, ...] = ()
    start_step: int = 1
    weekdays: frozenset[int] = frozenset(range(7))
    """Local weekdays (Monday = 0) on which the template may start a shift."""


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Labour rules of a site (in intervals). ``min_rest`` is 44 for 11 h in France."""

    max_paid_per_day: int
    max_paid_per_week: int
    min_rest: int = 0
    max_days_per_week: int = 7


@dataclass(frozen=True, slots=True)
class RequiredBreak:
    """A break that any shift overlapping ``[start, end)`` must take inside it (iftar)."""

    name: str
    start: int
    end: int
    length: int
    paid: bool = True


@dataclass(frozen=True, slots=True)
class SiteDay:
    """Calendar facts for one local day of a site, from the calendar module.

    ``max_paid`` shortens the day (Ramadan); ``closed`` forbids shifts starting that day
    (public holiday); ``required_break`` is the break at sunset on offshore sites.
    """

    max_paid: int | None = None
    closed: bool = False
    required_break: RequiredBreak | None = None


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    timezone: str
    rules: SiteRules
    templates: tuple[ShiftTemplate, ...]
    days: Mapping[int, SiteDay] = field(default_factory=dict)
    """Per local day index (0 .. week.days - 1); a missing day is an ordinary day."""

    def day(self, index: int) -> SiteDay:
        return self.days.get(index, _ORDINARY_DAY)


_ORDINARY_DAY = SiteDay()


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent to schedule. ``availability`` (home agents) lists the half-open interval
    windows they declared; a shift must lie inside one of them. ``None`` means any time."""

    id: str
    site: str
    skills: frozenset[str] = frozenset()
    availability: tuple[tuple[int, int], ...] | None = None
    max_paid_per_week: int | None = None
    min_paid_per_week: int = 0


@dataclass(frozen=True, slots=True)
class Requirement:
    """Agents needed per interval for one staffing group.

    An agent counts towards the group when it works on ``site`` (``None``: any site) and has
    ``skill`` (``None``: any skill). A working agent counts towards exactly one group it is
    eligible for at any interval (the solver chooses which). Weights are per agent-interval.
    """

    group: str
    agents: tuple[int, ...]
    site: str | None = None
    skill: str | None = None
    under_weight: int = 10
    over_weight: int = 1

    def admits(self, agent: Agent) -> bool:
        site_ok = self.site is None or self.site == agent.site
        return site_ok and (self.skill is None or self.skill in agent.skills)


@dataclass(frozen=True, slots=True)
class SchedulingProblem:
    week: Week
    sites: tuple[Site, ...]
    agents: tuple[Agent, ...]
    requirements: tuple[Requirement, ...]

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def validate(self) -> None:
        """Raise ``ValueError`` with a clear message on inconsistent input."""
        names = [site.name for site in self.sites]
        if len(set(names)) != len(names):
            raise ValueError("site names must be unique")
        ids = [agent.id for agent in self.agents]
        if len(set(ids)) != len(ids):
            raise ValueError("agent ids must be unique")
        for agent in self.agents:
            if agent.site not in names:
                raise ValueError(f"agent {agent.id}: unknown site {agent.site!r}")
            if not any(req.admits(agent) for req in self.requirements):
                raise ValueError(f"agent {agent.id} is eligible for no requirement group")
        groups = [req.group for req in self.requirements]
        if len(set(groups)) != len(groups):
            raise ValueError("requirement groups must be unique")
        for req in self.requirements:
            if len(req.agents) != self.week.intervals:
                raise ValueError(f"requirement {req.group}: expected {self.week.intervals} values")
            if min(req.agents, default=0) < 0 or req.under_weight < 0 or req.over_weight < 0:
                raise ValueError(f"requirement {req.group}: negative value")
        for site in self.sites:
            for template in site.templates:
                _validate_template(site.name, template)


def _validate_template(site: str, template: ShiftTemplate) -> None:
    where = f"site {site}, template {template.name}"
    if not template.lengths or min(template.lengths) <= 0 or template.start_step <= 0:
        raise ValueError(f"{where}: lengths and start_step must be positive")
    ordered = sorted(template.breaks, key=lambda rule: rule.earliest)
    for rule in ordered:
        if rule.length <= 0 or rule.earliest < 1 or rule.latest < rule.earliest:
            raise ValueError(f"{where}: break {rule.name} has an empty window")
        if rule.latest + rule.length >= min(template.lengths):
            raise ValueError(f"{where}: break {rule.name} may end after the shortest shift")
    for before, after in itertools.pairwise(ordered):
        if after.earliest < before.latest + before.length:
            raise ValueError(f"{where}: windows of {before.name} and {after.name} overlap")
