"""Numbers and sentences for the planner, in the active language (decimal comma and a
narrow no-break space before % in French)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from relais.apps.wfm.reports import SolveSummary

NARROW_NBSP = "\u202f"


def percent(value: float, digits: int = 1) -> str:
    text = number_format(round(value, digits), digits, use_l10n=True)
    french = (get_language() or "").startswith("fr")
    return f"{text}{NARROW_NBSP}%" if french else f"{text}%"


def hours(value: float) -> str:
    return number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)


def solve_sentences(summary: SolveSummary) -> dict[str, str]:
    """``coverage`` and ``distance``: the result of a solve as a planner says it."""
    if summary.intervals_needed == 0:
        coverage = gettext("The staffing plans ask for no agent this week: nothing to cover.")
    else:
        coverage = gettext(
            "%(intervals_pct)s of the quarter-hours that need agents are fully staffed "
            "(%(covered)s of %(needed)s); the shifts cover %(hours_pct)s of the agent-hours "
            "required (%(hours_covered)s h of %(hours_required)s h, %(hours_short)s h short)."
        ) % {
            "intervals_pct": percent(summary.intervals_pct),
            "covered": summary.intervals_covered,
            "needed": summary.intervals_needed,
            "hours_pct": percent(summary.hours_pct),
            "hours_covered": hours(summary.hours_covered),
            "hours_required": hours(summary.hours_required),
            "hours_short": hours(summary.hours_short),
        }
    if summary.is_best:
        distance = gettext(
            "No schedule can do better with these agents and rules: this one reaches the best "
            "possible."
        )
    else:
        distance = gettext(
            "This schedule is within %(gap)s of the best possible (the lower bound of "
            "under- and over-staffing that no schedule can beat)."
        ) % {"gap": percent(summary.gap_pct)}
    return {"coverage": coverage, "distance": distance}
