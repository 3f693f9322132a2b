"""Shift scheduling for several sites over a week of 15-minute intervals (HiGHS, CP-SAT).

See ``docs/wfm-scheduling.md`` for the model.
"""

from relais.core.wfm.scheduling.cyclic import CyclicCover, cover_cyclic_demand
from relais.core.wfm.scheduling.model import (
    Agent,
    BreakRule,
    RequiredBreak,
    Requirement,
    SchedulingProblem,
    ShiftTemplate,
    Site,
    SiteDay,
    SiteRules,
)
from relais.core.wfm.scheduling.schedule import (
    GroupCoverage,
    Schedule,
    ScheduledBreak,
    Shift,
    SolveReport,
    staffing_gaps,
)
from relais.core.wfm.scheduling.solver import (
    SchedulingError,
    SolverSettings,
    relative_gap_pct,
    solve_schedule,
)
from relais.core.wfm.scheduling.validation import Violation, check_schedule
from relais.core.wfm.scheduling.week import Week

__all__ = [
    "Agent",
    "BreakRule",
    "CyclicCover",
    "GroupCoverage",
    "RequiredBreak",
    "Requirement",
    "Schedule",
    "ScheduledBreak",
    "SchedulingError",
    "SchedulingProblem",
    "Shift",
    "ShiftTemplate",
    "Site",
    "SiteDay",
    "SiteRules",
    "SolveReport",
    "SolverSettings",
    "Violation",
    "Week",
    "check_schedule",
    "cover_cyclic_demand",
    "relative_gap_pct",
    "solve_schedule",
    "staffing_gaps",
]
