"""What people read for each pricing unit, in their language."""

from __future__ import annotations

import re

from django.utils.formats import get_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.core.contracts.lines import Unit

UNIT_LABELS: dict[str, Promise] = {
    Unit.PRODUCTIVE_HOUR: _("Productive hours"),
    Unit.ABOVE_REQUEST: _("Hours above the request (not paid)"),
    Unit.BREAK_HOUR: _("Break hours"),
    Unit.BREAK_BEYOND_ALLOWANCE: _("Breaks beyond the allowance (not paid)"),
    Unit.DOWNTIME_HOUR: _("Hours lost to an outage"),
    Unit.TRAINING_HOUR: _("Training hours"),
    Unit.UNDER_STAFFING: _("Hours below the commitment (penalty)"),
    Unit.HANDLED_CONTACT: _("Handled contacts"),
    Unit.RESOLVED_CONTACT: _("Resolved contacts"),
    Unit.MINIMUM_COMMITMENT: _("Minimum commitment"),
    Unit.TARGET_BAND: _("Target band"),
    Unit.TARGET_CAP: _("Target cap"),
    Unit.FORECAST_EXCUSED: _("Excused: volume above the forecast"),
    Unit.DISPUTE_SETTLED: _("Dispute settled"),
}


def unit_label(unit: str) -> str:
    label = UNIT_LABELS.get(unit)
    return unit if label is None else str(label)


KPI_LABELS: dict[str, Promise] = {
    "service_level": _("Service level"),
    "abandonment": _("Abandonment"),
    "csat": _("CSAT"),
    "quality": _("Quality score"),
}
PER_LABELS: dict[str, Promise] = {
    "month": _("per month"),
    "day": _("per day"),
    "interval": _("per interval"),
}
#: How `evaluation.py` names a target's lines: `<kpi>/<per>#<n>`, and a band `[low, high)`.
_TARGET = re.compile(
    r"^(?P<kpi>[a-z_]+)/(?P<per>[a-z]+)#(?P<n>\d+)(?: \[(?P<low>[^,]*), (?P<high>[^)]*)\))?$"
)
_TIER = re.compile(r"^(?P<first>\d+)(?:-(?P<last>\d+)|\+)$")


def line_wording(label: str) -> str:
    """A statement line's label as people read it: a target and its band ("Service level per
    day, target 1: below 80 %"), a volume tier ("1 to 2,000"); other labels as they are."""
    target = _TARGET.match(label)
    if target is not None:
        return _target_wording(target)
    tier = _TIER.match(label)
    if tier is not None:
        first = number_format(int(tier["first"]), force_grouping=True)
        if tier["last"] is None:
            return gettext("from %(first)s") % {"first": first}
        last = number_format(int(tier["last"]), force_grouping=True)
        return gettext("%(first)s to %(last)s") % {"first": first, "last": last}
    return label


def _target_wording(found: re.Match[str]) -> str:
    kpi, per = found["kpi"], found["per"]
    name = gettext("%(kpi)s %(per)s, target %(n)s") % {
        "kpi": KPI_LABELS.get(kpi, kpi),
        "per": PER_LABELS.get(per, per),
        "n": found["n"],
    }
    low, high = found["low"], found["high"]
    if low is None:
        return name
    shown = {"low": _bound(kpi, low), "high": _bound(kpi, high)}
    if low and high:
        band = gettext("from %(low)s to under %(high)s") % shown
    elif low:
        band = gettext("%(low)s or more") % shown
    else:
        band = gettext("under %(high)s") % shown
    return gettext("%(target)s: %(band)s") % {"target": name, "band": band}


def _bound(kpi: str, value: str) -> str:
    """A band's bound: proportions as percentages, a quality score as it is."""
    if not value:
        return ""
    number = float(value) if kpi == "quality" else round(float(value) * 100, 1)
    shown = f"{number:g}".replace(".", get_format("DECIMAL_SEPARATOR"))
    return shown if kpi == "quality" else f"{shown} %"
