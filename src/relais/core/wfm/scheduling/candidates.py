"""Enumerate the shifts a site may use in the week, breaks left to be placed."""

from __future__ import annotations

from dataclasses import dataclass

from relais.core.wfm.scheduling.model import Agent, RequiredBreak, ShiftTemplate, Site
from relais.core.wfm.scheduling.week import Week


@dataclass(frozen=True, slots=True)
class BreakSlot:
    """One break of a candidate shift and the absolute interval indices it may start at."""

    name: str
    length: int
    paid: bool
    starts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible shift: site, local day, template, start and span; breaks still to place."""

    site: str
    day: int
    template: str
    start: int
    length: int
    paid: int
    breaks: tuple[BreakSlot, ...]

    @property
    def end(self) -> int:
        return self.start + self.length

    def fits(self, agent: Agent) -> bool:
        """Whether the agent's declared availability (if any) contains the whole shift."""
        if agent.availability is None:
            return True
        return any(lo <= self.start and self.end <= hi for lo, hi in agent.availability)


def site_candidates(week: Week, site: Site) -> list[Candidate]:
    """Every shift the site's templates allow in the week, honouring day rules."""
    candidates: list[Candidate] = []
    for day in range(week.days):
        site_day = site.day(day)
        if site_day.closed:
            continue
        max_paid = site.rules.max_paid_per_day
        if site_day.max_paid is not None:
            max_paid = min(max_paid, site_day.max_paid)
        weekday = week.local_weekday(day, site.timezone)
        for template in site.templates:
            if weekday not in template.weekdays:
                continue
            for start in _starts(week, site, day, template):
                for length in template.lengths:
                    candidate = _candidate(
                        site.name, day, template, start, length, site_day.required_break
                    )
                    if (
                        candidate is not None
                        and candidate.paid <= max_paid
                        and start >= 0
                        and candidate.end <= week.intervals
                    ):
                        candidates.append(candidate)
    return candidates


def _starts(week: Week, site: Site, day: int, template: ShiftTemplate) -> range:
    first = week.local_index(day, template.earliest_start, site.timezone)
    last = week.local_index(day, template.latest_start, site.timezone)
    if last < first:  # the window crosses midnight
        last += week.intervals_per_day
    return range(first, last + 1, template.start_step)


def _candidate(
    site: str,
    day: int,
    template: ShiftTemplate,
    start: int,
    length: int,
    required: RequiredBreak | None,
) -> Candidate | None:
    end = start + length
    slots: list[BreakSlot] = []
    blocked: tuple[int, int] | None = None
    if required is not None and required.start < end and start < required.end:
        first = max(required.start, start + 1)
        last = min(required.end, end - 1) - required.length
        if last < first:
            return None  # the shift touches sunset but cannot hold the break
        slots.append(
            BreakSlot(required.name, required.length, required.paid, tuple(range(first, last + 1)))
        )
        blocked = (required.start, required.end)
    for rule in template.breaks:
        starts = [
            position
            for position in range(start + rule.earliest, start + rule.latest + 1)
            if position + rule.length <= end - 1
            and (blocked is None or position + rule.length <= blocked[0] or position >= blocked[1])
        ]
        if not starts:
            return None
        slots.append(BreakSlot(rule.name, rule.length, rule.paid, tuple(starts)))
    unpaid = sum(slot.length for slot in slots if not slot.paid)
    return Candidate(
        site=site,
        day=day,
        template=template.name,
        start=start,
        length=length,
        paid=length - unpaid,
        breaks=tuple(sorted(slots, key=lambda slot: slot.starts[0])),
    )
