"""Parts of the scenario format about traffic: distributions and replay files."""

from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from relais.core.importing import (
    DEFAULT_TOLERANCE,
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
) -> tuple[ReplayArrival, ...]:
    name: str = table.text("file")
    path = (base_dir or Path()) / name
    arrivals = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                arrivals.append(_replay_row(record, start, zone, queue_ids, f"{name}:{line}"))
    except OSError as error:
        raise table.error("file", f"cannot read {name!r} ({error.strerror})") from None
    except (KeyError, ValueError) as error:
        raise table.error("file", str(error)) from None
    arrivals.sort(key=lambda arrival: arrival.at)
    return tuple(arrivals)


def _replay_row(
    record: dict[str, str], start: float, zone: str, queue_ids: set[str], where: str
) -> ReplayArrival:
    if "arrived_at" not in record or "queue" not in record:
        raise ValueError(f"{where}: the replay file needs columns arrived_at and queue")
    queue = record["queue"]
    if queue not in queue_ids:
        raise ValueError(f"{where}: no queue {queue!r}")
    text = record["arrived_at"].strip()
    try:
        at = start + float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{where}: cannot read arrived_at {text!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        at = moment.timestamp()

    def optional(key: str) -> float | None:
        value = (record.get(key) or "").strip()
        return float(value) if value else None

    return ReplayArrival(at, queue, optional("handling_s"), optional("patience_s"))
