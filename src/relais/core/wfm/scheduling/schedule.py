"""Outputs of the scheduling problem: shifts per agent, coverage, under- and over-staffing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from relais.core.wfm.scheduling.week import Week


@dataclass(frozen=True, slots=True)
class ScheduledBreak:
    name: str
    start: int
    end: int
    paid: bool = True


@dataclass(frozen=True, slots=True)
class Shift:
    """One agent's shift, ``[start, end)`` in interval indices, breaks inside it."""

    agent_id: str
    site: str
    template: str
    day: int
    start: int
    end: int
    breaks: tuple[ScheduledBreak, ...] = ()

    @property
    def paid(self) -> int:
        """Paid intervals: the span minus unpaid breaks."""
        return self.end - self.start - sum(b.end - b.start for b in self.breaks if not b.paid)

    def activities(self) -> list[tuple[int, int, str]]:
        """The shift as consecutive ``(start, end, activity)``, activity ``work`` or a break."""
        segments: list[tuple[int, int, str]] = []
        cursor = self.start
        for pause in sorted(self.breaks, key=lambda b: b.start):
            if pause.start > cursor:
                segments.append((cursor, pause.start, "work"))
            segments.append((pause.start, pause.end, pause.name))
            cursor = pause.end
        if cursor < self.end:
            segments.append((cursor, self.end, "work"))
        return segments

    def is_working(self, index: int) -> bool:
        return self.start <= index < self.end and not any(
            b.start <= index < b.end for b in self.breaks
        )

    def start_at(self, week: Week) -> datetime:
        return week.at(self.start)

    def end_at(self, week: Week) -> datetime:
        return week.at(self.end)


@dataclass(frozen=True, slots=True)
class GroupCoverage:
    """Required and staffed agents per interval for one requirement group."""

    group: str
    required: tuple[int, ...]
    staffed: tuple[int, ...]

    @property
    def under(self) -> tuple[int, ...]:
        return staffing_gaps(self.required, self.staffed)[0]

    @property
    def over(self) -> tuple[int, ...]:
        return staffing_gaps(self.required, self.staffed)[1]


@dataclass(frozen=True, slots=True)
class SolveReport:
    """How the solve went. ``gap_pct`` = 100 * (objective - bound) / objective, where
    ``bound`` is the optimum of the linear relaxation (0 when the objective is 0)."""

    status: str
    objective: float
    bound: float
    gap_pct: float
    solver_bound: float
    seconds: float
    relaxation_seconds: float
    variables: int
    constraints: int


@dataclass(frozen=True, slots=True)
class Schedule:
    week: Week
    shifts: tuple[Shift, ...]
    coverage: tuple[GroupCoverage, ...]
    report: SolveReport

    def shifts_of(self, agent_id: str) -> list[Shift]:
        return sorted((s for s in self.shifts if s.agent_id == agent_id), key=lambda s: s.start)

    def group(self, name: str) -> GroupCoverage:
        for coverage in self.coverage:
            if coverage.group == name:
                return coverage
        raise KeyError(name)

    def working_per_site(self, site: str) -> tuple[int, ...]:
        """Agents working (not on a break) per interval on ``site``."""
        counts = [0] * self.week.intervals
        for shift in self.shifts:
            if shift.site != site:
                continue
            for start, end, activity in shift.activities():
                if activity == "work":
                    for index in range(start, end):
                        counts[index] += 1
        return tuple(counts)


def staffing_gaps(
    required: Sequence[int], staffed: Sequence[int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Under- and over-staffing per interval: ``max(0, required - staffed)`` and the converse."""
    if len(required) != len(staffed):
        raise ValueError("required and staffed differ in length")
    under = tuple(max(0, r - s) for r, s in zip(required, staffed, strict=True))
    over = tuple(max(0, s - r) for r, s in zip(required, staffed, strict=True))
    return under, over
