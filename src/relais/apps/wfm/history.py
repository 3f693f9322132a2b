"""Interval history from a CSV file: ``start`` (ISO datetime), ``volume``, ``aht_seconds``.

Until interval statistics come from live traffic, planners feed history as CSV. A start
without an offset is read in the site's local time. Every line is checked; the first bad
one is reported with its line number and nothing is kept.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from relais.apps.errors import RelaisError
from relais.apps.wfm.errors import ErrorCode
from relais.core.wfm.forecast import IntervalObservation

INTERVALS_MINUTES = (5, 10, 15, 30, 60)
MAX_LINES = 200_000


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _start(text: str, zone: zoneinfo.ZoneInfo, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as bad:
        raise RelaisError(ErrorCode.HISTORY_BAD_DATE, line=line, value=text[:40]) from bad
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _rows(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {(name or "").strip().lower() for name in reader.fieldnames or ()}
    for column in ("start", "volume"):
        if column not in columns:
            raise RelaisError(ErrorCode.HISTORY_MISSING_COLUMN, column=column)
    for number, row in enumerate(reader, start=2):
        yield number, {(k or "").strip().lower(): (v or "") for k, v in row.items() if k}


def decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise RelaisError(ErrorCode.HISTORY_UNREADABLE, details="not UTF-8 text") from bad


def parse_history(
    content: bytes | str, *, time_zone: str
) -> tuple[timedelta, tuple[IntervalObservation, ...]]:
    """The interval length and the observations of a history CSV, sorted by start."""
    zone = zoneinfo.ZoneInfo(time_zone)
    observations: dict[datetime, IntervalObservation] = {}
    lines: dict[datetime, int] = {}
    for line, row in _rows(decode(content)):
        if line > MAX_LINES:
            raise RelaisError(ErrorCode.HISTORY_UNREADABLE, details=f"more than {MAX_LINES} lines")
        if not any(value.strip() for value in row.values()):
            continue
        start = _start(row.get("start", ""), zone, line)
        volume = _number(row.get("volume", ""))
        if volume is None or volume < 0:
            raise RelaisError(ErrorCode.HISTORY_BAD_VOLUME, line=line, value=row.get("volume"))
        aht_text = row.get("aht_seconds", "").strip()
        aht = _number(aht_text) if aht_text else None
        if aht_text and (aht is None or aht <= 0):
            raise RelaisError(ErrorCode.HISTORY_BAD_AHT, line=line, value=aht_text)
        if start in observations:
            raise RelaisError(
                ErrorCode.HISTORY_DUPLICATE_INTERVAL, line=line, value=start.isoformat()
            )
        observations[start] = IntervalObservation(start, volume, aht)
        lines[start] = line
    if not observations:
        raise RelaisError(ErrorCode.HISTORY_EMPTY)
    ordered = tuple(observations[start] for start in sorted(observations))
    return _interval(ordered, lines), ordered


def _interval(ordered: tuple[IntervalObservation, ...], lines: dict[datetime, int]) -> timedelta:
    gaps = [b.start - a.start for a, b in itertools.pairwise(ordered)]
    smallest = min(gaps, default=timedelta(minutes=30))
    minutes = smallest.total_seconds() / 60
    step = next((m for m in INTERVALS_MINUTES if m == minutes), None)
    if step is None and len(ordered) > 1:
        second = ordered[1 + gaps.index(smallest)]
        raise RelaisError(
            ErrorCode.HISTORY_IRREGULAR, line=lines[second.start], value=second.start.isoformat()
        )
    interval = timedelta(minutes=step or 30)
    for observation in ordered:
        if (observation.start - ordered[0].start) % interval:
            raise RelaisError(
                ErrorCode.HISTORY_IRREGULAR,
                line=lines[observation.start],
                value=observation.start.isoformat(),
            )
    return interval


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
