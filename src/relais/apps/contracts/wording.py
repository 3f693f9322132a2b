"""What people read for each pricing unit, in their language."""

from __future__ import annotations

from django.utils.functional import Promise
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
