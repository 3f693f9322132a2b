"""What a planner or an agent reads for the names the planning code uses: forecasting methods
(`seasonal_naive`) and scheduled activities (`lunch`), in their language (docs/i18n.md). A
name not listed here is shown as it is."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

METHODS: dict[str, Promise] = {
    "seasonal_naive": _("Same as last week"),
    "seasonal_average": _("Average of the last weeks"),
    "seasonal_average_4w": _("Average of the last 4 weeks"),
    "seasonal_average_8w": _("Average of the last 8 weeks"),
    "daily_ets_profile_8w": _("Exponential smoothing (ETS) over 8 weeks"),
    "daily_theta_profile_8w": _("Theta method over 8 weeks"),
    "mstl_12w": _("Seasonal decomposition (MSTL) over 12 weeks"),
    "ensemble_ets_mstl": _("Combination of ETS and MSTL"),
    "ensemble_ets_theta_mstl": _("Combination of ETS, Theta and MSTL"),
    "weekday_profile_6w": _("Weekday profile, median day of the last 6 weeks"),
    "ensemble_profile_ets": _("Combination of the weekday profile and ETS"),
}

ACTIVITIES: dict[str, Promise] = {
    "work": _("Work"),
    "break": _("Break"),
    "lunch": _("Lunch"),
    "prayer": _("Prayer"),
    "training": _("Training"),
    "coaching": _("Coaching"),
    "meeting": _("Meeting"),
    "absence": _("Absence"),
}


def method_label(name: object) -> str:
    return str(METHODS.get(str(name), name))


def activity_label(name: object) -> str:
    return str(ACTIVITIES.get(str(name), name))
