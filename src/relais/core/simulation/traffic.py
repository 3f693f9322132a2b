"""Parts of the scenario format about traffic: distributions and replay files."""

from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from relais.core.importing import (
    DEFAULT_TOLERANCE,
    ImportReport,
    MalformedInput,
    UnreadableInput,
    tolerant,
    utf8_text,
)
from relais.core.simulation.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    Never,
)
from relais.core.simulation.fields import Table
from relais.core.simulation.scenario import ReplayArrival

__all__ = ["distribution", "replay_file"]


def distribution(table: Table | None, default: Distribution, base_dir: Path | None) -> Distribution:
    """`{ law = "exponential", mean = 300 }`, lognormal (mean, sd), empirical (values or
    file, optional weights), fixed (value), none."""
    if table is None:
        return default
    law = table.choice(
        "law", {name: name for name in ("exponential", "lognormal", "empirical", "fixed", "none")}
    )
    result: Distribution
    if law == "exponential":
        result = Exponential(table.number("mean", minimum=1e-9))
    elif law == "lognormal":
        result = LogNormal(table.number("mean", minimum=1e-9), table.number("sd", minimum=1e-9))
    elif law == "fixed":
        result = Fixed(table.number("value", minimum=0.0))
    elif law == "none":
        result = Never()
    else:
        values = _values_file(table, base_dir) if table.has("file") else table.numbers("values")
        weights = table.numbers("weights", None)
        if weights is not None and len(weights) != len(values):
            raise table.error("weights", f"{len(weights)} weights for {len(values)} values")
        result = Empirical(values, weights)
    table.check_unknown()
    return result


def _values_file(table: Table, base_dir: Path | None) -> tuple[float, ...]:
    """Non-negative numbers, one or more a line; a line that does not read is skipped and
    reported below `tolerance_percent` (0.1 % by default) of the lines, refused beyond."""
    name: str = table.text("file")
    percent = table.number("tolerance_percent", 100 * DEFAULT_TOLERANCE, minimum=0.0)
    if percent > _MAX_TOLERANCE_PERCENT:
        raise table.error(
            "tolerance_percent", f"at most {_MAX_TOLERANCE_PERCENT:g}, got {percent:g}"
        )
    path = (base_dir or Path()) / name
    try:
        text = utf8_text(path.read_bytes(), source=name)
    except OSError as error:
        raise table.error("file", f"cannot read {name!r} ({error.strerror})") from None
    except UnreadableInput as error:
        raise table.error("file", str(error)) from None
    lines = ((n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip())
    try:
        rows, report = tolerant(lines, _values_line, source=name, tolerance=percent / 100)
    except MalformedInput as error:
        raise table.error("file", str(error)) from None
    if not rows:
        raise table.error("file", f"{name!r} must hold non-negative numbers, one per line")
    if report.skipped:
        table.imports.append(report)
    return tuple(value for row in rows for value in row)


_MAX_TOLERANCE_PERCENT = 50.0


def _values_line(line: str) -> tuple[float, ...]:
    values = []
    for word in line.split():
        value = float(word)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{word!r} is not a non-negative number")
        values.append(value)
    return tuple(values)


def replay_file(
    table: Table, start: float, zone: str, queue_ids: set[str], base_dir: Path | None
) -> tuple[tuple[ReplayArrival, ...], ImportReport]:
    """`[replay] file = "arrivals.csv"` (columns arrived_at, queue, optional handling_s,
    patience_s, priority, kind) and `tolerance` (share of malformed lines skipped and reported,
    default 0.001 = 0.1 %; above it the scenario is refused with their line numbers)."""
    name: str = table.text("file")
    tolerance = table.number("tolerance", DEFAULT_TOLERANCE, minimum=0.0)
    if tolerance >= 1:
        raise table.error("tolerance", "a share of the lines, below 1 (0.001 = 0.1 %)")
    path = (base_dir or Path()) / name
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.reader(handle)
            header = [column.strip() for column in next(reader, [])]
            if "arrived_at" not in header or "queue" not in header:
                raise table.error("file", f"{name!r} needs columns arrived_at and queue")

            def parse(cells: list[str]) -> ReplayArrival:
                if len(cells) != len(header):
                    raise ValueError(f"{len(cells)} fields where the header has {len(header)}")
                return _replay_row(dict(zip(header, cells, strict=True)), start, zone, queue_ids)

            rows = ((reader.line_num, cells) for cells in reader if any(c.strip() for c in cells))
            arrivals, report = tolerant(rows, parse, source=name, tolerance=tolerance)
    except OSError as error:
        raise table.error("file", f"cannot read {name!r} ({error.strerror})") from None
    except csv.Error as error:
        raise table.error("file", f"{name!r}: {error}") from None
    except MalformedInput as error:
        raise table.error("file", str(error)) from None
    arrivals.sort(key=lambda arrival: arrival.at)
    return tuple(arrivals), report


def _replay_row(
    record: dict[str, str], start: float, zone: str, queue_ids: set[str]
) -> ReplayArrival:
    queue = record["queue"].strip()
    if queue not in queue_ids:
        raise ValueError(f"no queue {queue!r}")
    text = record["arrived_at"].strip()
    try:
        at = start + float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"cannot read arrived_at {text!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        at = moment.timestamp()
    if not math.isfinite(at):
        raise ValueError(f"cannot read arrived_at {text!r}")

    def optional(key: str) -> float | None:
        value = (record.get(key) or "").strip()
        if not value:
            return None
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{key} {value!r} is not a duration in seconds")
        return number

    priority = (record.get("priority") or "").strip()
    return ReplayArrival(
        at,
        queue,
        optional("handling_s"),
        optional("patience_s"),
        int(priority) if priority else None,
        (record.get("kind") or "").strip() or None,
    )
