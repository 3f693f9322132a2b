"""How a report's figures read, in the viewer's language: the columns of the reports (their
kind and translated heading) and the text of a percentage or a duration.

One definition for the page and the exports: a percentage has one decimal (`92,4 %` in
French with a narrow no-break space on the page, `92.4%` in English), a duration is whole
seconds or `mm:ss`, a count is a whole number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from relais.apps.l10n.formatting import day, is_french, percent


class Kind(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DURATION = "duration"


@dataclass(frozen=True)
class Figure:
    """One KPI column: `key` is the name in `KpiSummary.kpis()`."""

    key: str
    heading: Promise
    kind: Kind


FIGURES = (
    Figure("offered", _("Offered"), Kind.COUNT),
    Figure("answered", _("Answered"), Kind.COUNT),
    Figure("abandoned", _("Abandoned"), Kind.COUNT),
    Figure("short_abandoned", _("Short abandons"), Kind.COUNT),
    Figure("waiting", _("Still waiting"), Kind.COUNT),
    Figure("handled", _("Handled"), Kind.COUNT),
    Figure("service_level", _("Service level"), Kind.PERCENT),
    Figure("average_speed_of_answer", _("Average speed of answer"), Kind.DURATION),
    Figure("average_handling_time", _("Average handling time"), Kind.DURATION),
    Figure("abandonment_rate", _("Abandonment rate"), Kind.PERCENT),
    Figure("occupancy", _("Occupancy"), Kind.PERCENT),
    Figure("in_shift_shrinkage", _("In-shift shrinkage"), Kind.PERCENT),
    Figure("transfer_rate", _("Transfer rate"), Kind.PERCENT),
    Figure("longest_wait_seconds", _("Longest wait"), Kind.DURATION),
)

PERIOD_HEADINGS = {
    "day": pgettext_lazy("report column", "Day"),
    "week": pgettext_lazy("report column", "Week (Monday)"),
    "month": pgettext_lazy("report column", "Month"),
}

GROUP_HEADINGS = {
    "queue": _("Queue"),
    "channel": _("Channel"),
    "site": _("Site"),
    "site_kind": _("Site kind"),
    "partner": _("Partner"),
    "team": _("Team"),
    "agent": _("Agent"),
}


def french(language: str | None = None) -> bool:
    return is_french(language or get_language())


def percent_text(value: float | None, *, language: str | None = None) -> str:
    """In an export: `0.9243` -> `92,4 %` (French, an ordinary space, which Excel reads) or
    `92.4%`; None -> ``. Pages use l10n's `percent`."""
    if value is None:
        return ""
    number = f"{value * 100:.1f}"
    if french(language):
        return f"{number.replace('.', ',')} %"
    return f"{number}%"


def whole_seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def mm_ss(value: float | None) -> str:
    """`330.4` -> `05:30`; minutes go past 59 (`75:00`), as Excel's `[mm]:ss`."""
    seconds = whole_seconds(value)
    if seconds is None:
        return ""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def date_text(value: dt.date, *, language: str | None = None) -> str:
    """`dd/mm/yyyy` in French, ISO `yyyy-mm-dd` in English (both read as dates by Excel)."""
    return day(value, language=language or get_language())


def page_percent(value: float | None) -> str:
    """On the page: `92,4 %` with a narrow no-break space in French, `—` when undefined."""
    return percent(value, language=get_language())


def page_duration(value: float | None) -> str:
    return mm_ss(value) or "—"
