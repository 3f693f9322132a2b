"""Daily figures a partner reports from its own systems, one row per day and queue.

A partner that keeps its own call distributor and planning tool sends, for each day and queue:

| column | meaning | required |
|---|---|---|
| date | the day, 2026-11-30 (or 30/11/2026) | yes |
| queue | the queue's code in Relais | yes |
| offered, handled, abandoned | contacts | yes |
| service_level | % answered within the queue's target (0-100) | no |
| asa_seconds, aht_seconds | mean wait of answered contacts, mean handling time | no |
| hours | productive hours (handling + available) | no |
| csat_responses, csat_satisfied | survey answers, and those of 4 or 5 out of 5 | no |
| fcr_judged, fcr_resolved | contacts judged for first-contact resolution, and resolved | no |

`reported_row` reads one row (strings from a CSV file, or numbers from the API's JSON) and
raises `RowProblem`, a `ValueError` naming the column, on what it cannot take; the importer
(`relais.core.importing.tolerant`) skips and reports such rows below its tolerance. Relais
cannot check how the partner measured: `to_figures` turns a row into `LineFigures` the same
way for every partner, and the pages mark them as reported.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from relais.core.sourcing.figures import LineFigures

__all__ = ["COLUMNS", "REQUIRED", "ReportedRow", "RowProblem", "reported_row", "to_figures"]

REQUIRED = ("date", "queue", "offered", "handled", "abandoned")
COUNTS = ("offered", "handled", "abandoned")
OPTIONAL_COUNTS = ("csat_responses", "csat_satisfied", "fcr_judged", "fcr_resolved")
OPTIONAL_NUMBERS = ("service_level", "asa_seconds", "aht_seconds", "hours")
COLUMNS = (*REQUIRED, *OPTIONAL_NUMBERS, *OPTIONAL_COUNTS)
MAX_COUNT = 10_000_000
MAX_HOURS = 1_000_000

_ENGLISH = {
    "missing": "{column}: missing",
    "not_a_date": "{column}: not a date (2026-11-30 or 30/11/2026): {value!r}",
    "not_a_number": "{column}: not a number: {value!r}",
    "not_whole": "{column}: not a whole number: {value!r}",
    "out_of_range": "{column}: {value!r} is out of range",
    "more_than": "{column}: {value!r} is more than {other}",
}


class RowProblem(ValueError):
    """Why a row cannot be taken: a stable `code`, the `column` and the `value` read; the
    message is English, the apps translate from the code."""

    def __init__(self, code: str, column: str, value: object = "", other: str = "") -> None:
        self.code = code
        self.column = column
        self.value = value
        self.other = other
        super().__init__(_ENGLISH[code].format(column=column, value=value, other=other))


@dataclass(frozen=True, slots=True)
class ReportedRow:
    day: dt.date
    queue: str
    offered: int
    handled: int
    abandoned: int
    service_level: Decimal | None = None  # percent
    asa_seconds: Decimal | None = None
    aht_seconds: Decimal | None = None
    hours: Decimal | None = None
    csat_responses: int | None = None
    csat_satisfied: int | None = None
    fcr_judged: int | None = None
    fcr_resolved: int | None = None


def _text(raw: Mapping[str, object], column: str) -> str:
    value = raw.get(column)
    return "" if value is None else str(value).strip()


def _day(text: str) -> dt.date:
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RowProblem("not_a_date", "date", text) from None


def _number(raw: Mapping[str, object], column: str, *, required: bool = False) -> Decimal | None:
    text = _text(raw, column).replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text:
        if required:
            raise RowProblem("missing", column)
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowProblem("not_a_number", column, _text(raw, column)) from None
    if not value.is_finite() or not math.isfinite(float(value)):
        raise RowProblem("not_a_number", column, _text(raw, column))
    if value < 0:
        raise RowProblem("out_of_range", column, _text(raw, column))
    return value


def _count(raw: Mapping[str, object], column: str, *, required: bool = False) -> int | None:
    value = _number(raw, column, required=required)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RowProblem("not_whole", column, _text(raw, column))
    if value > MAX_COUNT:
        raise RowProblem("out_of_range", column, _text(raw, column))
    return int(value)


def _at_most(row: Mapping[str, int | None], column: str, other: str) -> None:
    value, bound = row[column], row[other]
    if value is not None and bound is not None and value > bound:
        raise RowProblem("more_than", column, value, other)


def reported_row(raw: Mapping[str, object]) -> ReportedRow:
    """One row read and checked; `RowProblem` on the first column it cannot take."""
    date_text = _text(raw, "date")
    if not date_text:
        raise RowProblem("missing", "date")
    day = _day(date_text)
    queue = _text(raw, "queue")
    if not queue:
        raise RowProblem("missing", "queue")
    counts: dict[str, int | None] = {c: _count(raw, c, required=True) for c in COUNTS}
    counts |= {c: _count(raw, c) for c in OPTIONAL_COUNTS}
    numbers = {c: _number(raw, c) for c in OPTIONAL_NUMBERS}
    level = numbers["service_level"]
    if level is not None and level > 100:
        raise RowProblem("out_of_range", "service_level", _text(raw, "service_level"))
    hours = numbers["hours"]
    if hours is not None and hours > MAX_HOURS:
        raise RowProblem("out_of_range", "hours", _text(raw, "hours"))
    _at_most(counts, "handled", "offered")
    _at_most(counts, "abandoned", "offered")
    _at_most(counts, "csat_satisfied", "csat_responses")
    _at_most(counts, "fcr_resolved", "fcr_judged")
    return ReportedRow(
        day=day,
        queue=queue,
        offered=counts["offered"] or 0,
        handled=counts["handled"] or 0,
        abandoned=counts["abandoned"] or 0,
        service_level=level,
        asa_seconds=numbers["asa_seconds"],
        aht_seconds=numbers["aht_seconds"],
        hours=hours,
        csat_responses=counts["csat_responses"],
        csat_satisfied=counts["csat_satisfied"] if counts["csat_responses"] is not None else None,
        fcr_judged=counts["fcr_judged"],
        fcr_resolved=counts["fcr_resolved"] if counts["fcr_judged"] is not None else None,
    )


def to_figures(row: ReportedRow) -> LineFigures:
    """The row as comparison figures: the service level's denominator is handled + abandoned
    (a partner's report does not tell abandons before the target from those after it)."""
    answered_or_abandoned = row.handled + row.abandoned
    handling = None if row.aht_seconds is None else float(row.aht_seconds) * row.handled
    return LineFigures(
        offered=row.offered,
        handled=row.handled,
        sl_within=(
            0
            if row.service_level is None
            else round(float(row.service_level) / 100 * answered_or_abandoned)
        ),
        sl_counted=0 if row.service_level is None else answered_or_abandoned,
        abandoned=row.abandoned,
        abandon_counted=answered_or_abandoned,
        wait_seconds=0.0 if row.asa_seconds is None else float(row.asa_seconds) * row.handled,
        wait_counted=0 if row.asa_seconds is None else row.handled,
        handling_seconds=handling or 0.0,
        handling_counted=0 if handling is None else row.handled,
        busy_seconds=handling if handling is not None and row.hours is not None else 0.0,
        productive_seconds=(
            float(row.hours) * 3600 if row.hours is not None and handling is not None else 0.0
        ),
        csat_satisfied=row.csat_satisfied or 0,
        csat_responses=row.csat_responses or 0,
        fcr_resolved=row.fcr_resolved or 0,
        fcr_judged=row.fcr_judged or 0,
    )
