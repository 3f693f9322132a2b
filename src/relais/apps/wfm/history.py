"""Interval history from a CSV file: ``start`` (ISO datetime), ``volume``, ``aht_seconds``.

Until interval statistics come from live traffic, planners feed history as CSV. A start
without an offset is read in the site's local time. The file is read through
`relais.core.importing.tolerant_csv`: a malformed line (a date or a number that does not
read, an interval given twice, a start off the intervals' boundaries) is skipped and
reported with its number when such lines are no more than the planner's tolerance (0.1 %
of the lines by default); beyond it nothing is kept and the error names them.
"""

from __future__ import annotations

import collections
import itertools
import math
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from relais.apps.errors import RelaisError
from relais.apps.wfm.errors import ErrorCode
from relais.core.importing import (
    DEFAULT_TOLERANCE,
    CsvRecord,
    ImportReport,
    MalformedInput,
    UnreadableInput,
    tolerant_csv,
)
from relais.core.wfm.forecast import IntervalObservation

INTERVALS_MINUTES = (5, 10, 15, 30, 60)
MAX_LINES = 200_000
#: The most a planner may let be skipped (a share of the lines).
MAX_TOLERANCE = 0.5

#: Malformed lines gathered before the start grid is known and the tolerance applied.
_GATHER = 0.999

#: The core's reasons for a line, in the planner's language.
_CORE_REASONS = {
    "not UTF-8 text": gettext_lazy("not UTF-8 text"),
    "more fields than the header": gettext_lazy("more fields than the header"),
}


class History(NamedTuple):
    """What a history file gave: its interval, its observations sorted by start, and the
    report of the lines read and skipped."""

    interval: timedelta
    observations: tuple[IntervalObservation, ...]
    report: ImportReport


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class _Row:
    line: int
    observation: IntervalObservation


class _Reader:
    """Parses one record at a time; remembers the starts already seen."""

    def __init__(self, zone: zoneinfo.ZoneInfo) -> None:
        self.zone = zone
        self.seen: set[datetime] = set()

    def parse(self, record: CsvRecord) -> _Row:
        text = record.get("start", "").strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                gettext("“%(value)s” is not an ISO date and time such as 2025-03-03T08:30:00+01:00")
                % {"value": text[:40]}
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        start = moment.astimezone(UTC)
        volume_text = record.get("volume", "").strip()
        volume = _number(volume_text)
        if volume is None or volume < 0:
            raise ValueError(
                gettext("the volume “%(value)s” is not a number greater than or equal to 0")
                % {"value": volume_text[:40]}
            )
        aht_text = record.get("aht_seconds", "").strip()
        aht = _number(aht_text) if aht_text else None
        if aht_text and (aht is None or aht <= 0):
            raise ValueError(
                gettext("the handling time “%(value)s” is not a number of seconds greater than 0")
                % {"value": aht_text[:40]}
            )
        if start in self.seen:
            raise ValueError(
                gettext("the interval %(value)s appears twice") % {"value": start.isoformat()}
            )
        self.seen.add(start)
        return _Row(record.line, IntervalObservation(start, volume, aht))


def tolerance_check(tolerance: float) -> None:
    if not 0 <= tolerance <= MAX_TOLERANCE:
        raise RelaisError(
            ErrorCode.INVALID_TOLERANCE,
            maximum=number_format(100 * MAX_TOLERANCE),
            value=f"{number_format(round(100 * tolerance, 3))} %",
        )


def parse_history(
    content: bytes | str, *, time_zone: str, tolerance: float = DEFAULT_TOLERANCE
) -> History:
    """The interval, the observations (sorted by start) and the report of a history CSV;
    malformed lines beyond ``tolerance`` (a share of the lines) refuse the whole file."""
    tolerance_check(tolerance)
    reader = _Reader(zoneinfo.ZoneInfo(time_zone))
    try:
        rows, report = tolerant_csv(
            content,
            reader.parse,
            source="history",
            required=("start", "volume"),
            tolerance=_GATHER,  # every bad line named; the planner's tolerance below
            max_lines=MAX_LINES,
        )
        interval, kept = _on_the_grid(rows, report, reader.zone)
        report.enforce(tolerance)
    except UnreadableInput as unreadable:
        raise _unreadable(unreadable) from None
    except MalformedInput as beyond:
        raise _malformed(beyond.report, tolerance) from None
    _translate(report)
    return History(interval, kept, report)


def _on_the_grid(
    rows: list[_Row], report: ImportReport, zone: zoneinfo.ZoneInfo
) -> tuple[timedelta, tuple[IntervalObservation, ...]]:
    """The interval is the commonest gap between starts (5, 10, 15, 30 or 60 minutes); a
    start off its boundaries is a malformed line."""
    ordered = [
        (row.line, row.observation) for row in sorted(rows, key=lambda row: row.observation.start)
    ]
    gaps = collections.Counter(b.start - a.start for (_, a), (_, b) in itertools.pairwise(ordered))
    interval = timedelta(minutes=30)
    if gaps:
        interval = gaps.most_common(1)[0][0]
        if interval.total_seconds() / 60 not in INTERVALS_MINUTES:
            line, observation = ordered[1]
            raise RelaisError(
                ErrorCode.HISTORY_IRREGULAR, line=line, value=observation.start.isoformat()
            )
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    phases = collections.Counter((o.start - epoch) % interval for _, o in ordered)
    phase = phases.most_common(1)[0][0] if phases else timedelta(0)
    kept = []
    for line, observation in ordered:
        if (observation.start - epoch) % interval != phase:
            report.reject(
                line,
                gettext("%(value)s is not on a boundary of the %(minutes)s-minute intervals")
                % {
                    "value": observation.start.astimezone(zone).isoformat(),
                    "minutes": int(interval.total_seconds() // 60),
                },
            )
        else:
            kept.append(observation)
    return interval, tuple(kept)


def _translate(report: ImportReport) -> None:
    for index, bad in enumerate(report.malformed):
        if bad.reason in _CORE_REASONS:
            report.malformed[index] = type(bad)(bad.line, str(_CORE_REASONS[bad.reason]))


def _unreadable(unreadable: UnreadableInput) -> RelaisError:
    if unreadable.problem == "missing_column":
        return RelaisError(ErrorCode.HISTORY_MISSING_COLUMN, column=unreadable.detail)
    if unreadable.problem == "empty":
        return RelaisError(ErrorCode.HISTORY_EMPTY)
    if unreadable.problem == "not_text":
        details = gettext("line %(line)s is not UTF-8 text (save the file as CSV UTF-8)")
    else:
        details = gettext("more than %(maximum)s lines")
    return RelaisError(
        ErrorCode.HISTORY_UNREADABLE,
        details=details % {"line": unreadable.line, "maximum": MAX_LINES},
    )


def malformed_lines(report: ImportReport, shown: int = 5) -> str:
    """The first malformed lines of ``report``, for a person: “line 12: …; line 40: …”."""
    _translate(report)
    named = "; ".join(
        gettext("line %(line)s: %(reason)s") % {"line": bad.line, "reason": bad.reason}
        for bad in report.malformed[:shown]
    )
    if report.skipped > shown:
        named += " " + gettext("(and %(count)s more)") % {"count": report.skipped - shown}
    return named


def _malformed(report: ImportReport, tolerance: float) -> RelaisError:
    return RelaisError(
        ErrorCode.HISTORY_MALFORMED,
        skipped=report.skipped,
        lines=report.lines,
        share=number_format(round(100 * report.skipped / max(report.lines, 1), 2)),
        tolerance=number_format(round(100 * tolerance, 3)),
        named=malformed_lines(report),
    )


#: Live history: the weeks of contacts read, and the length of an interval.
LIVE_WEEKS = 8
LIVE_INTERVAL = timedelta(minutes=30)


def observations_from_contacts(
    contacts: Iterable[tuple[datetime, float | None]],
    *,
    first: datetime,
    end: datetime,
    interval: timedelta = LIVE_INTERVAL,
) -> tuple[IntervalObservation, ...]:
    """Contacts (arrival, handling seconds or None) counted per interval from ``first`` to
    ``end`` (excluded): every interval is there, empty ones with volume 0; the AHT is the mean
    handling time of the contacts handled in it (None when none was)."""
    count = int((end - first) / interval)
    volumes = [0] * count
    handled = [0.0] * count
    handled_n = [0] * count
    for arrived, seconds in contacts:
        index = (arrived - first) // interval
        if not 0 <= index < count:
            continue
        volumes[index] += 1
        if seconds is not None and seconds > 0:
            handled[index] += seconds
            handled_n[index] += 1
    return tuple(
        IntervalObservation(
            first + i * interval,
            float(volumes[i]),
            handled[i] / handled_n[i] if handled_n[i] else None,
        )
        for i in range(count)
    )
