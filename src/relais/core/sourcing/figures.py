"""The figures of one line of the sourcing comparison, measured or reported, as sums.

Every rate is kept as its numerator and its own denominator, so that lines add up (a site
kind is the sum of its sites) and a figure a partner did not report stays unknown instead of
counting as zero. Proportions carry Wilson's 95 % interval (`relais.core.kpi.comparison`):
service level, abandonment, CSAT (top-2-box) and first-contact resolution. ASA and AHT carry
the normal interval of a mean (`mean_interval`), from the count, the sum and the sum of
squares of the waits and handling times that the interval statistics keep; partners' reports
and statistics computed before the squares were kept have no spread, hence no interval.

Definitions are those of `relais.core.kpi` (docs/kpi.md): SL = answered within T / (answered
+ abandoned after T); abandonment = abandoned / (answered + abandoned); occupancy = handling
time / (handling + available time).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from relais.core.kpi import KpiSummary
from relais.core.kpi.comparison import Tally, mean_interval, wilson_interval

__all__ = ["LineFigures", "Proportion", "from_summary"]


@dataclass(frozen=True, slots=True)
class Proportion:
    """`successes` out of `n`, with its 95 % interval (None without observations)."""

    successes: int
    n: int

    @property
    def value(self) -> float | None:
        return self.successes / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(min(max(self.successes, 0), self.n), self.n) if self.n else None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineFigures:
    """Counters of one line over the period; `+` adds two lines of disjoint activity."""

    offered: int = 0
    handled: int = 0
    sl_within: int = 0
    sl_counted: int = 0
    abandoned: int = 0
    abandon_counted: int = 0
    wait_seconds: float = 0.0
    wait_squares: float = 0.0
    wait_counted: int = 0
    handling_seconds: float = 0.0
    handling_squares: float = 0.0
    handling_counted: int = 0
    busy_seconds: float = 0.0
    productive_seconds: float = 0.0
    csat_satisfied: int = 0
    csat_responses: int = 0
    fcr_resolved: int = 0
    fcr_judged: int = 0

    def __add__(self, other: LineFigures) -> LineFigures:
        return LineFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def service_level(self) -> Proportion:
        return Proportion(self.sl_within, self.sl_counted)

    @property
    def abandonment(self) -> Proportion:
        return Proportion(self.abandoned, self.abandon_counted)

    @property
    def csat(self) -> Proportion:
        return Proportion(self.csat_satisfied, self.csat_responses)

    @property
    def fcr(self) -> Proportion:
        return Proportion(self.fcr_resolved, self.fcr_judged)

    @property
    def average_speed_of_answer(self) -> float | None:
        return self.wait_seconds / self.wait_counted if self.wait_counted else None

    @property
    def average_handling_time(self) -> float | None:
        return self.handling_seconds / self.handling_counted if self.handling_counted else None

    @property
    def asa_interval(self) -> tuple[float, float] | None:
        return _spread(Tally(self.wait_counted, self.wait_seconds, self.wait_squares))

    @property
    def aht_interval(self) -> tuple[float, float] | None:
        return _spread(Tally(self.handling_counted, self.handling_seconds, self.handling_squares))

    @property
    def occupancy(self) -> float | None:
        if self.productive_seconds <= 0:
            return None
        return min(self.busy_seconds / self.productive_seconds, 1.0)

    @property
    def productive_hours(self) -> float:
        return self.productive_seconds / 3600

    @property
    def resolved(self) -> float | None:
        """Handled contacts resolved at first contact: handled x FCR (the judged share)."""
        rate = self.fcr.value
        return None if rate is None else self.handled * rate

    def cost_per_handled(self, cost: Decimal | None) -> Decimal | None:
        if cost is None or not self.handled:
            return None
        return cost / self.handled

    def cost_per_resolved(self, cost: Decimal | None) -> Decimal | None:
        resolved = self.resolved
        if cost is None or not resolved:
            return None
        return cost / Decimal(str(round(resolved, 6)))


def _spread(tally: Tally) -> tuple[float, float] | None:
    """The 95 % interval of a mean duration (at least 0), None without a known spread: the sum
    of squares is never below sum² / n, unless it was not kept (a report, older statistics)."""
    if tally.n < 2 or tally.squares < tally.total * tally.total / tally.n * (1 - 1e-9):
        return None
    interval = mean_interval(tally)
    return None if interval is None else (max(interval[0], 0.0), interval[1])


def from_summary(
    contacts: KpiSummary,
    agent_time: KpiSummary | None = None,
    *,
    csat: tuple[int, int] = (0, 0),
    fcr: tuple[int, int] = (0, 0),
) -> LineFigures:
    """Measured figures: the contacts' counters, the agents' time (occupancy, hours), the
    survey answers `csat` = (satisfied, responses) and the FCR judgements (resolved, judged)."""
    time = agent_time if agent_time is not None else contacts
    return LineFigures(
        offered=contacts.offered,
        handled=contacts.handled,
        sl_within=contacts.answered_within_target,
        sl_counted=contacts.answered + contacts.abandoned_after_target,
        abandoned=contacts.abandoned,
        abandon_counted=contacts.answered + contacts.abandoned,
        wait_seconds=contacts.answered_wait_seconds,
        wait_squares=contacts.answered_wait_squares,
        wait_counted=contacts.answered,
        handling_seconds=contacts.talk_seconds + contacts.hold_seconds + contacts.wrap_up_seconds,
        handling_squares=contacts.handling_squares,
        handling_counted=contacts.handled,
        busy_seconds=time.handling_state_seconds,
        productive_seconds=time.handling_state_seconds + time.available_seconds,
        csat_satisfied=csat[0],
        csat_responses=csat[1],
        fcr_resolved=fcr[0],
        fcr_judged=fcr[1],
    )
