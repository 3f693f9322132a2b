"""The Anonymous Bank call log (Technion SEE lab, ../shared/data/README.md): reading it and
what the replay learns from it (agents' presence, patience).

The file is tab-separated, one call a line, with a header. A line that does not read (a
field missing, tabs turned into spaces, a time that is not H:MM:SS) is skipped and named by
`relais.core.importing.tolerant` while they stay under the tolerance; above it the reading
stops with `MalformedInput`, which names them.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from relais.core.importing import DEFAULT_TOLERANCE, ImportReport, tolerant
from relais.core.simulation import Empirical

COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
NO_SERVER = "NO_SERVER"


@dataclass(frozen=True, slots=True)
class Call:
    """A call that reached the queue or an agent (served, or hung up after queueing)."""

    day: str
    arrival: float  # seconds after midnight of the day
    wait: float
    served: bool
    service_start: float
    service_end: float
    server: str
    priority: int = 0
    kind: str = ""  # the bank's service type (PS, NW, NE, TT, IN, PE)


def _seconds(text: str) -> float:
    hours, minutes, seconds = text.split(":")
    value = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    if not 0 <= int(minutes) < 60 or not 0 <= int(seconds) < 60:
        raise ValueError(f"{text!r} is not a time H:MM:SS")
    return value


def _number(text: str, name: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(f"{name} {text!r} is not a duration")
    return value


def parse_line(line: str) -> Call | None:
    """One line of the log; None for a call that never queued nor reached an agent."""
    cells = line.rstrip("\r\n").split("\t")
    if len(cells) != len(COLUMNS):
        raise ValueError(f"{len(cells)} tab-separated fields where {len(COLUMNS)} are expected")
    record = dict(zip(COLUMNS, (cell.strip() for cell in cells), strict=True))
    day = record["date"]
    if len(day) != 6 or not day.isdigit():
        raise ValueError(f"date {day!r} is not YYMMDD")
    priority = int(record["priority"])
    wait = _number(record["q_time"], "q_time")
    outcome = record["outcome"]
    if outcome == "AGENT":
        start = _seconds(record["ser_start"])
        arrival = _seconds(record["q_start"]) if wait > 0 else start
        end = start + _number(record["ser_time"], "ser_time")
        server = record["server"]
        return Call(day, arrival, wait, True, start, end, server, priority, record["type"])
    if outcome == "HANG" and wait > 0:
        arrival = _seconds(record["q_start"])
        return Call(day, arrival, wait, False, 0.0, 0.0, "", priority, record["type"])
    if outcome not in ("HANG", "PHANTOM"):
        raise ValueError(f"outcome {outcome!r} is none of AGENT, HANG, PHANTOM")
    return None


def _lines(handle: Iterator[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(handle, start=2):
        if line.strip():
            yield number, line


def read_calls(path: Path, tolerance: float = DEFAULT_TOLERANCE) -> tuple[list[Call], ImportReport]:
    """The calls of the log and what the reading skipped (MalformedInput above tolerance)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        header = [cell.strip() for cell in handle.readline().rstrip("\r\n").split("\t")]
        if tuple(header) != COLUMNS:
            raise ValueError(
                f"{path.name}: line 1 is not the Anonymous Bank header ({', '.join(COLUMNS)})"
            )
        parsed, report = tolerant(_lines(handle), parse_line, source=path.name, tolerance=tolerance)
    return [call for call in parsed if call is not None], report


def presence(
    calls: list[Call], gap: float, interval: float, day_s: float = 86_400.0
) -> list[float]:
    """Agents present per interval (time-average): an agent's services less than `gap`
    seconds apart make one stretch of presence, from the first start to the last end."""
    present = [0.0] * int(day_s / interval)
    for stretches in _stretches(calls, gap).values():
        for start, end in stretches:
            while start < end:
                slot = int(start // interval)
                stop = min(end, (slot + 1) * interval)
                if slot < len(present):
                    present[slot] += stop - start
                start = stop
    return [seconds / interval for seconds in present]


def kaplan_meier(calls: list[Call]) -> Empirical:
    """Patience: hang-ups are events at their wait, served calls censored at theirs; the
    mass the curve leaves (`survival` at the end) stays at infinity (never abandons)."""
    events: dict[float, int] = defaultdict(int)
    censored: dict[float, int] = defaultdict(int)
    for call in calls:
        (censored if call.served else events)[call.wait] += 1
    at_risk = len(calls)
    survival = 1.0
    values, weights = [], []
    for moment in sorted(set(events) | set(censored)):
        deaths = events.get(moment, 0)
        if deaths:
            drop = survival * deaths / at_risk
            values.append(moment)
            weights.append(drop)
            survival -= drop
        at_risk -= deaths + censored.get(moment, 0)
    return Empirical(tuple(values), tuple(weights))


def _stretches(calls: list[Call], gap: float) -> dict[str, list[list[float]]]:
    """Each agent's stretches of presence: services less than `gap` seconds apart."""
    services: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for call in calls:
        if call.served and call.server != NO_SERVER:
            services[call.server].append((call.service_start, call.service_end))
    result: dict[str, list[list[float]]] = {}
    for agent, spans in services.items():
        stretches: list[list[float]] = []
        for start, end in sorted(spans):
            if stretches and start - stretches[-1][1] <= gap:
                stretches[-1][1] = max(stretches[-1][1], end)
            else:
                stretches.append([start, end])
        result[agent] = stretches
    return result


def busy_while_waiting(calls: list[Call], gap: float) -> tuple[float, float]:
    """Agent-seconds present and agent-seconds serving, counted only while at least one
    caller waited in the queue (presence as in `presence`).

    A ready agent would have taken a waiting call at once, so the present agents who were
    not serving then were not ready (after-call work, other tasks): 1 - serving / present
    is the share of presence the log shows unavailable.
    """
    return busy_by_waiting(calls, gap, (1,))[1]


def busy_by_waiting(
    calls: list[Call], gap: float, least: tuple[int, ...]
) -> dict[int, tuple[float, float]]:
    """`busy_while_waiting` by the number of callers waiting: for each count of `least`
    (increasing), agent-seconds present and serving while at least that many and fewer
    than the next count waited. The log shows agents readier as the queue grows."""
    changes: list[tuple[float, int, int]] = []  # (moment, 0 waiting | 1 present | 2 serving, ±1)
    for call in calls:
        if call.wait > 0:
            changes += [(call.arrival, 0, 1), (call.arrival + call.wait, 0, -1)]
        if call.served and call.server != NO_SERVER:
            changes += [(call.service_start, 2, 1), (call.service_end, 2, -1)]
    for stretches in _stretches(calls, gap).values():
        for start, end in stretches:
            changes += [(start, 1, 1), (end, 1, -1)]
    changes.sort()
    counts = [0, 0, 0]
    sums = {count: [0.0, 0.0] for count in least}
    last = 0.0
    for moment, kind, step in changes:
        bucket = next((c for c in reversed(least) if counts[0] >= c), None)
        if bucket is not None:
            sums[bucket][0] += counts[1] * (moment - last)
            sums[bucket][1] += counts[2] * (moment - last)
        counts[kind] += step
        last = moment
    return {count: (present, serving) for count, (present, serving) in sums.items()}


def overtaking(calls: list[Call]) -> dict[tuple[int, int], tuple[int, float]]:
    """How the bank ordered callers who waited at the same time, per (earlier caller's
    priority, later caller's priority): the pairs of served calls of a day that were both
    in the queue at once (the later arrived before the earlier was served) and the share
    of them in which the later caller was served first. FIFO gives about 0 (the log's
    times are whole seconds); a strict priority of the later class about 1."""
    pairs: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    waited: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        if call.served and call.wait > 0:
            waited[call.day].append(call)
    for day_calls in waited.values():
        day_calls.sort(key=lambda c: c.arrival)
        for index, earlier in enumerate(day_calls):
            for later in day_calls[index + 1 :]:
                if later.arrival >= earlier.service_start:
                    break
                counts = pairs[earlier.priority, later.priority]
                counts[0] += 1
                counts[1] += later.service_start < earlier.service_start
    return {key: (n, first / n) for key, (n, first) in sorted(pairs.items())}


def gaps_while_waiting(calls: list[Call], gap: float) -> list[float]:
    """How soon agents took their next call while callers were waiting: for each agent, the
    seconds from the end of a service to the start of its next one (less than `gap` apart),
    when callers waited in the queue all that time. A ready agent would have taken one at
    once, so these are the agents' after-call times under load (and the ringing before an
    answer). Calls of several days: each day on its own."""
    days: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        days[call.day].append(call)
    gaps: list[float] = []
    for day_calls in days.values():
        spans = _merge((c.arrival, c.arrival + c.wait) for c in day_calls if c.wait > 0)
        starts = [start for start, _ in spans]
        services: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for call in day_calls:
            if call.served and call.server != NO_SERVER:
                services[call.server].append((call.service_start, call.service_end))
        for agent_services in services.values():
            agent_services.sort()
            for (_, end), (start, _) in pairwise(agent_services):
                if not 0 <= start - end <= gap:
                    continue
                index = bisect.bisect_right(starts, end) - 1
                if index >= 0 and spans[index][1] >= start:
                    gaps.append(start - end)
    return gaps


def _merge(spans: Iterator[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged
