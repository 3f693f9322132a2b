"""`KpiSummary`: the immutable counters of a group, with every KPI derived from them.

Only sums and maxima are stored, so two summaries of disjoint contacts merge with `+` and
the KPIs of the merge are those of the union (the basis of intervals -> day -> month).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from relais.core.kpi import definitions as d


@dataclass(frozen=True, slots=True, kw_only=True)
class KpiSummary:
    """Counters of one group (queue, site, partner, agent...) over one period.

    Contacts (short abandons are counted in `short_abandoned` and nowhere else):
    - `offered` = answered + abandoned + waiting;
    - `answered_within_target`: wait <= T; `abandoned_after_target`: wait > T;
    - `handled`: answered and finished (wrap-up ended); talk / hold / wrap-up sum over them;
    - `longest_wait_seconds`: longest wait of answered or abandoned contacts and, when read
      at a `now`, of contacts still waiting; `oldest_waiting_seconds`: waiting ones only.
    Agent time from state spans: handling (busy, wrap-up), available, unavailable (breaks).
    `answered_wait_squares` and `handling_squares` sum the squares of each answered contact's
    wait and each handled contact's handling time (talk + hold + wrap-up): with the sums and
    the counts they give the spread of ASA and AHT (`comparison.mean_interval`).
    """

    offered: int = 0
    answered: int = 0
    answered_within_target: int = 0
    abandoned: int = 0
    abandoned_after_target: int = 0
    short_abandoned: int = 0
    waiting: int = 0
    handled: int = 0
    transferred: int = 0
    answered_wait_seconds: float = 0.0
    abandoned_wait_seconds: float = 0.0
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    answered_wait_squares: float = 0.0
    handling_squares: float = 0.0
    longest_wait_seconds: float | None = None
    oldest_waiting_seconds: float | None = None
    handling_state_seconds: float = 0.0
    available_seconds: float = 0.0
    unavailable_seconds: float = 0.0
    csat_responses: int = 0
    csat_satisfied: int = 0
    nps_responses: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    fcr_eligible: int = 0
    fcr_resolved: int = 0

    def __add__(self, other: KpiSummary) -> KpiSummary:
        return self.merge(other)

    def merge(self, other: KpiSummary) -> KpiSummary:
        """The summary of both groups of contacts and spans together (disjoint)."""
        return KpiSummary(
            offered=self.offered + other.offered,
            answered=self.answered + other.answered,
            answered_within_target=self.answered_within_target + other.answered_within_target,
            abandoned=self.abandoned + other.abandoned,
            abandoned_after_target=self.abandoned_after_target + other.abandoned_after_target,
            short_abandoned=self.short_abandoned + other.short_abandoned,
            waiting=self.waiting + other.waiting,
            handled=self.handled + other.handled,
            transferred=self.transferred + other.transferred,
            answered_wait_seconds=self.answered_wait_seconds + other.answered_wait_seconds,
            abandoned_wait_seconds=self.abandoned_wait_seconds + other.abandoned_wait_seconds,
            talk_seconds=self.talk_seconds + other.talk_seconds,
            hold_seconds=self.hold_seconds + other.hold_seconds,
            wrap_up_seconds=self.wrap_up_seconds + other.wrap_up_seconds,
            answered_wait_squares=self.answered_wait_squares + other.answered_wait_squares,
            handling_squares=self.handling_squares + other.handling_squares,
            longest_wait_seconds=_max_or_none(
                self.longest_wait_seconds, other.longest_wait_seconds
            ),
            oldest_waiting_seconds=_max_or_none(
                self.oldest_waiting_seconds, other.oldest_waiting_seconds
            ),
            handling_state_seconds=self.handling_state_seconds + other.handling_state_seconds,
            available_seconds=self.available_seconds + other.available_seconds,
            unavailable_seconds=self.unavailable_seconds + other.unavailable_seconds,
            csat_responses=self.csat_responses + other.csat_responses,
            csat_satisfied=self.csat_satisfied + other.csat_satisfied,
            nps_responses=self.nps_responses + other.nps_responses,
            nps_promoters=self.nps_promoters + other.nps_promoters,
            nps_detractors=self.nps_detractors + other.nps_detractors,
            fcr_eligible=self.fcr_eligible + other.fcr_eligible,
            fcr_resolved=self.fcr_resolved + other.fcr_resolved,
        )

    @property
    def service_level(self) -> float | None:
        return d.service_level(
            self.answered_within_target, self.answered, self.abandoned_after_target
        )

    @property
    def average_speed_of_answer(self) -> float | None:
        return d.average_speed_of_answer(self.answered_wait_seconds, self.answered)

    @property
    def average_handling_time(self) -> float | None:
        return d.average_handling_time(
            self.talk_seconds, self.hold_seconds, self.wrap_up_seconds, self.handled
        )

    @property
    def abandonment_rate(self) -> float | None:
        return d.abandonment_rate(self.abandoned, self.answered)

    @property
    def average_abandon_wait(self) -> float | None:
        """Mean wait of abandoned contacts before they hung up (seconds)."""
        return d.ratio(self.abandoned_wait_seconds, self.abandoned)

    @property
    def occupancy(self) -> float | None:
        return d.occupancy(self.handling_state_seconds, self.available_seconds)

    @property
    def in_shift_shrinkage(self) -> float | None:
        """Unavailable / (handling + available + unavailable) over the state spans."""
        logged = self.handling_state_seconds + self.available_seconds + self.unavailable_seconds
        return d.shrinkage(logged, logged - self.unavailable_seconds)

    @property
    def transfer_rate(self) -> float | None:
        return d.transfer_rate(self.transferred, self.answered)

    @property
    def first_contact_resolution(self) -> float | None:
        return d.first_contact_resolution(self.fcr_resolved, self.fcr_eligible)

    @property
    def csat(self) -> float | None:
        return d.csat_top_two_box(self.csat_satisfied, self.csat_responses)

    @property
    def nps(self) -> float | None:
        return d.net_promoter_score(self.nps_promoters, self.nps_detractors, self.nps_responses)

    def kpis(self) -> dict[str, float | int | None]:
        """The headline figures by name (for reports, exports and WebSocket payloads)."""
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "waiting": self.waiting,
            "handled": self.handled,
            "service_level": self.service_level,
            "average_speed_of_answer": self.average_speed_of_answer,
            "average_handling_time": self.average_handling_time,
            "abandonment_rate": self.abandonment_rate,
            "occupancy": self.occupancy,
            "in_shift_shrinkage": self.in_shift_shrinkage,
            "transfer_rate": self.transfer_rate,
            "first_contact_resolution": self.first_contact_resolution,
            "csat": self.csat,
            "nps": self.nps,
            "longest_wait_seconds": self.longest_wait_seconds,
            "oldest_waiting_seconds": self.oldest_waiting_seconds,
        }


EMPTY_SUMMARY = KpiSummary()


def _max_or_none(left: float | None, right: float | None) -> float | None:
    if left is None:
        return right
    if right is None:
        return left
    return max(left, right)


def merge_summaries(summaries: Iterable[KpiSummary]) -> KpiSummary:
    """The merge of any number of summaries (EMPTY_SUMMARY for none)."""
    total = EMPTY_SUMMARY
    for summary in summaries:
        total = total.merge(summary)
    return total
