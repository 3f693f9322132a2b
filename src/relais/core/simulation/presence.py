"""Who is logged in when: agents, their shifts, breaks, and sites going dark.

Staffing becomes a sorted list of `Action`s the runner replays on its calendar: an agent's
window of presence opens or closes, a break starts or ends, a site goes down (link down,
partner closed for a holiday) or comes back. The runner decides what each means for the
engine at that moment (an agent leaving at the end of a shift finishes the contacts in
hand; a site going down logs its agents out at once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from relais.core.routing import AgentProfile, BreakReason, InProgress
from relais.core.simulation.arrivals import interval_grid
from relais.core.simulation.briefed import briefing_actions
from relais.core.simulation.scenario import AgentGroup, LinkDown, PartnerClosed, Scenario

__all__ = [
    "BREAK",
    "REASONS",
    "SITE_DOWN",
    "SITE_UP",
    "WINDOW",
    "Action",
    "Staff",
    "build_staff",
]

WINDOW, BREAK, SITE_DOWN, SITE_UP = 10, 11, 12, 13
REASONS: tuple[BreakReason, ...] = tuple(BreakReason)
MODES: tuple[InProgress, ...] = (InProgress.REQUEUE, InProgress.DROP)

type Action = tuple[float, int, int, int]  # (time, kind, subject, value)
"""WINDOW: agent, 1 open / 0 closed; BREAK: agent, reason index or -1 (end);
SITE_DOWN: site index, index in MODES; SITE_UP: site index, 0."""


@dataclass(frozen=True, slots=True)
class Staff:
    profiles: tuple[AgentProfile, ...]
    agent_sites: tuple[int, ...]  # site index of each agent
    actions: tuple[Action, ...]  # sorted by time


def _merge(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for low, high in sorted(windows):
        if high <= low:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _local(day: datetime, minutes: float) -> float:
    return (day + timedelta(minutes=minutes)).timestamp()


def _days(scenario: Scenario, zone: ZoneInfo) -> list[datetime]:
    first = datetime.fromtimestamp(scenario.start, zone).date() - timedelta(days=1)
    last = datetime.fromtimestamp(scenario.end, zone).date()
    return [
        datetime(d.year, d.month, d.day, tzinfo=zone)
        for d in (first + timedelta(days=n) for n in range((last - first).days + 1))
    ]


def _group_plan(
    scenario: Scenario, group: AgentGroup, zone: ZoneInfo
) -> tuple[list[list[tuple[float, float]]], list[tuple[float, float, BreakReason]]]:
    """Windows of each agent of the group, and the group's breaks."""
    horizon = scenario.end + scenario.drain_s
    breaks: list[tuple[float, float, BreakReason]] = []
    if group.per_interval is not None:
        starts = interval_grid(scenario)
        ends = [*starts[1:].tolist(), horizon]
        counts = [group.per_interval[i % len(group.per_interval)] for i in range(len(starts))]
        windows = [
            _merge([(s, e) for s, e, n in zip(starts.tolist(), ends, counts, strict=True) if n > k])
            for k in range(group.count)
        ]
        return windows, breaks
    if not group.shifts:
        return [[(scenario.start, math.inf)] for _ in range(group.count)], breaks
    shared: list[tuple[float, float]] = []
    for day in _days(scenario, zone):
        for shift in group.shifts:
            if day.weekday() not in shift.weekdays:
                continue
            begin = _local(day, shift.start_min)
            end_min = shift.end_min + (1440 if shift.end_min <= shift.start_min else 0)
            finish = _local(day, end_min)
            if finish <= scenario.start or begin >= scenario.end:
                continue
            shared.append((max(begin, scenario.start), finish))
            for pause in shift.breaks:
                offset = pause.start_min + (1440 if pause.start_min < shift.start_min else 0)
                pause_start = _local(day, offset)
                breaks.append((pause_start, pause_start + pause.minutes * 60, pause.reason))
    merged = _merge(shared)
    return [list(merged) for _ in range(group.count)], breaks


def _outages(scenario: Scenario, site_index: dict[str, int]) -> list[Action]:
    actions: list[Action] = []
    for event in scenario.events:
        if isinstance(event, LinkDown):
            down = site_index[event.site_id]
            mode = MODES.index(event.in_progress)
            actions.append((event.at, SITE_DOWN, down, mode))
            actions.append((event.at + event.minutes * 60, SITE_UP, down, 0))
        elif isinstance(event, PartnerClosed):
            for site in scenario.sites:
                if site.partner != event.partner:
                    continue
                zone = ZoneInfo(site.time_zone)
                first = datetime(event.first.year, event.first.month, event.first.day, tzinfo=zone)
                last = event.last + timedelta(days=1)
                after = datetime(last.year, last.month, last.day, tzinfo=zone)
                actions.append((first.timestamp(), SITE_DOWN, site_index[site.site_id], 0))
                actions.append((after.timestamp(), SITE_UP, site_index[site.site_id], 0))
    return actions


def build_staff(scenario: Scenario) -> Staff:
    """Agent profiles and the timed actions that log them in and out."""
    site_index = {site.site_id: index for index, site in enumerate(scenario.sites)}
    zones = {site.site_id: ZoneInfo(site.time_zone) for site in scenario.sites}
    profiles: list[AgentProfile] = []
    agent_sites: list[int] = []
    actions: list[Action] = []
    horizon = scenario.end + scenario.drain_s
    for group in scenario.agents:
        windows, breaks = _group_plan(scenario, group, zones[group.site_id])
        for number in range(group.count):
            agent = len(profiles)
            profiles.append(
                AgentProfile(
                    agent_id=f"{group.name}.{number + 1}",
                    site_id=group.site_id,
                    skills=dict(group.skills),
                    languages=group.languages,
                    capacity=dict(group.capacity),
                )
            )
            agent_sites.append(site_index[group.site_id])
            for low, high in windows[number]:
                actions.append((max(low, scenario.start), WINDOW, agent, 1))
                if high < horizon:
                    actions.append((high, WINDOW, agent, 0))
            for low, high, reason in breaks:
                if low < horizon and high > scenario.start:
                    actions.append((max(low, scenario.start), BREAK, agent, REASONS.index(reason)))
                    actions.append((high, BREAK, agent, -1))
    for when, kind, subject, value in _outages(scenario, site_index):
        actions.append((max(when, scenario.start), kind, subject, value))
    actions.extend(briefing_actions(scenario, profiles, agent_sites))
    actions.sort(key=lambda action: action[0])
    return Staff(tuple(profiles), tuple(agent_sites), tuple(actions))
