"""The KPI formulas, each once, over plain numbers.

Convention: a ratio whose denominator is zero is None ("no data"), never 0 and never an
exception, so that a wallboard shows a dash rather than a misleading 0 % or 100 %.
Rates are fractions in [0, 1]; NPS alone is on its usual -100..100 scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DAY_SECONDS = 86_400.0


@dataclass(frozen=True, slots=True, kw_only=True)
class KpiConfig:
    """Thresholds the KPIs depend on.

    - `service_level_seconds`: T of "answered within T" (e.g. 80 % in 20 s), per queue when
      the queue is in `service_level_seconds_by_queue`;
    - `short_abandon_seconds`: contacts abandoned after waiting less than this are short
      abandons, excluded from every KPI (0 disables);
    - `fcr_window_seconds`: a handled contact is resolved at first contact when the same
      customer does not contact again within this window (None disables FCR).
    """

    service_level_seconds: float = 20.0
    service_level_seconds_by_queue: Mapping[str, float] = field(default_factory=dict)
    short_abandon_seconds: float = 5.0
    fcr_window_seconds: float | None = 7 * DAY_SECONDS

    def __post_init__(self) -> None:
        thresholds = [self.service_level_seconds, *self.service_level_seconds_by_queue.values()]
        if min(thresholds) < 0 or self.short_abandon_seconds < 0:
            raise ValueError("KPI thresholds must not be negative")
        if self.fcr_window_seconds is not None and self.fcr_window_seconds <= 0:
            raise ValueError("the FCR window must be positive")

    def service_level_threshold(self, queue: str) -> float:
        """T for this queue."""
        return self.service_level_seconds_by_queue.get(queue, self.service_level_seconds)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero."""
    if denominator == 0:
        return None
    return numerator / denominator


def service_level(answered_within: int, answered: int, abandoned_after: int) -> float | None:
    """SL = answered within T / (answered + abandoned after T)."""
    return ratio(answered_within, answered + abandoned_after)


def average_speed_of_answer(total_answered_wait: float, answered: int) -> float | None:
    """ASA = total wait of answered contacts / answered contacts (seconds)."""
    return ratio(total_answered_wait, answered)


def average_handling_time(
    talk_seconds: float, hold_seconds: float, wrap_up_seconds: float, handled: int
) -> float | None:
    """AHT = (talk + hold + wrap-up) / handled contacts (seconds)."""
    return ratio(talk_seconds + hold_seconds + wrap_up_seconds, handled)


def abandonment_rate(abandoned: int, answered: int) -> float | None:
    """Abandoned / (answered + abandoned), short abandons already left out of both."""
    return ratio(abandoned, answered + abandoned)


def occupancy(handling_seconds: float, available_seconds: float) -> float | None:
    """Occupancy = handling time / (handling + available time)."""
    return ratio(handling_seconds, handling_seconds + available_seconds)


def transfer_rate(transferred: int, answered: int) -> float | None:
    """Transferred answered contacts / answered contacts."""
    return ratio(transferred, answered)


def first_contact_resolution(resolved: int, eligible: int) -> float | None:
    """FCR = handled contacts with no repeat contact within the window / handled contacts judged."""
    return ratio(resolved, eligible)


def csat_top_two_box(satisfied: int, responses: int) -> float | None:
    """CSAT = responses scoring 4 or 5 (of 1-5) / responses."""
    return ratio(satisfied, responses)


def net_promoter_score(promoters: int, detractors: int, responses: int) -> float | None:
    """NPS = 100 x (promoters 9-10 - detractors 0-6) / responses, from -100 to 100."""
    share = ratio(promoters - detractors, responses)
    return None if share is None else 100.0 * share


def shrinkage(paid_seconds: float, productive_seconds: float) -> float | None:
    """Shrinkage = (paid time - time available for contacts) / paid time.

    Productive time is handling plus available (idle, ready) time. Over state spans alone the
    summary computes the in-shift part: unavailable / (handling + available + unavailable).
    """
    if productive_seconds < 0 or paid_seconds < 0:
        raise ValueError("shrinkage needs non-negative durations")
    return ratio(paid_seconds - productive_seconds, paid_seconds)


def adherence(scheduled_seconds: float, adherent_seconds: float) -> float | None:
    """Schedule adherence = seconds in the scheduled activity / scheduled seconds.

    Placeholder for the WFM issue: it compares each scheduled activity (work, break, lunch,
    training...) with the agent's state spans and passes the overlap of matching activity as
    `adherent_seconds`; this function only fixes the formula and the zero convention.
    """
    if adherent_seconds < 0 or scheduled_seconds < 0 or adherent_seconds > scheduled_seconds:
        raise ValueError("adherent seconds must lie between 0 and the scheduled seconds")
    return ratio(adherent_seconds, scheduled_seconds)
