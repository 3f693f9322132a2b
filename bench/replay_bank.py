"""Replay a real bank's January 1999 calls and compare the simulator with what happened.

    uv run python -m bench.replay_bank [--data ../shared/data/anonymous_bank_1999_january.txt]

For each day: the arrival times of the calls that reached the queue (served, or hung up
after entering it), the staffing per 30 minutes rebuilt from the served calls (each
agent's services less than 10 minutes apart form a session of presence; the time-average
of agents present per interval), handling times drawn from the served calls of
the *other* days (empirical), patience from a Kaplan-Meier estimate over the other days'
waits (hang-ups are events, served calls are censored at their wait). The day's actual
waits, outcomes and abandonments are never seen by its simulation. Definitions follow
BENCHMARKS.md. Last line: JSON.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import SHARED_DATA, emit, require_data, row, stopwatch
from relais.core.kpi import KpiConfig
from relais.core.routing import QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    Empirical,
    QueueSpec,
    ReplayArrival,
    Scenario,
    simulate,
)

DAY = 86_400.0
INTERVAL = 1800.0
TOTAL = ("total", "", None)


@dataclass(frozen=True, slots=True)
class Call:
    day: str
    arrival: float  # seconds after midnight of the day
    wait: float
    served: bool
    service_start: float
    service_end: float
    server: str


def _seconds(text: str) -> float:
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def read_calls(path: Path) -> list[Call]:
    calls = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for record in csv.DictReader(handle, delimiter="\t"):
            outcome = record["outcome"].strip()
            wait = float(record["q_time"])
            if outcome == "AGENT":
                start = _seconds(record["ser_start"])
                arrival = _seconds(record["q_start"]) if wait > 0 else start
                end = start + float(record["ser_time"])
                calls.append(
                    Call(record["date"], arrival, wait, True, start, end, record["server"])
                )
            elif outcome == "HANG" and wait > 0:
                arrival = _seconds(record["q_start"])
                calls.append(Call(record["date"], arrival, wait, False, 0.0, 0.0, ""))
    return calls


def staffing(calls: list[Call], gap: float = 600.0) -> list[int]:
    """Agents present per half hour: an agent's services less than `gap` apart form one
    session of presence; the interval's staffing is the time-average of agents present."""
    services: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for call in calls:
        if call.served and call.server != "NO_SERVER":
            services[call.server].append((call.service_start, call.service_end))
    present = [0.0] * int(DAY / INTERVAL)
    for spans in services.values():
        sessions: list[list[float]] = []
        for start, end in sorted(spans):
            if sessions and start - sessions[-1][1] <= gap:
                sessions[-1][1] = max(sessions[-1][1], end)
            else:
                sessions.append([start, end])
        for start, end in sessions:
            while start < end:
                slot = int(start // INTERVAL)
                stop = min(end, (slot + 1) * INTERVAL)
                if slot < len(present):
                    present[slot] += stop - start
                start = stop
    return [round(seconds / INTERVAL) for seconds in present]


def kaplan_meier(calls: list[Call]) -> Empirical:
    """Patience: hang-ups are events at their wait, served calls censored at theirs."""
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
    return Empirical(tuple(values), tuple(weights))  # mass `survival` left at infinity


def actual(calls: list[Call]) -> dict[str, float]:
    served = [c for c in calls if c.served]
    abandoned = [c for c in calls if not c.served]
    within = sum(1 for c in served if c.wait <= 20)
    late = sum(1 for c in abandoned if c.wait > 20)
    return {
        "served": len(served),
        "abandoned": len(abandoned),
        "asa": sum(c.wait for c in served) / max(1, len(served)),
        "sl20": within / max(1, len(served) + late),
    }


def simulate_day(
    day: str, calls: list[Call], others: list[Call], replications: int
) -> dict[str, float]:
    handling = Empirical(tuple(c.service_end - c.service_start for c in others if c.served))
    patience = kaplan_meier(others)
    counts = staffing(calls)
    scenario = Scenario(
        name=f"bank {day}",
        start=0.0,
        duration_s=DAY,
        interval_s=INTERVAL,
        drain_s=3 * 3600,
        replications=replications,
        seed=int(day),
        agent_states=False,
        kpi=KpiConfig(
            service_level_seconds=20.0, short_abandon_seconds=0.0, fcr_window_seconds=None
        ),
        sites=(Site("bank"),),
        queues=(QueueSpec(QueueConfig("calls"), handling, patience),),
        agents=(AgentGroup("bank", "bank", max(counts), per_interval=tuple(counts)),),
        replay=tuple(
            ReplayArrival(c.arrival, "calls") for c in sorted(calls, key=lambda c: c.arrival)
        ),
    )
    result = simulate(scenario)
    mean = {
        m: result.estimate(TOTAL, m).mean or 0.0
        for m in ("answered", "abandoned", "average_speed_of_answer", "service_level")
    }
    return {
        "served": mean["answered"],
        "abandoned": mean["abandoned"],
        "asa": mean["average_speed_of_answer"],
        "sl20": mean["service_level"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(SHARED_DATA / "anonymous_bank_1999_january.txt"))
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--min-calls", type=int, default=100)
    options = parser.parse_args()
    calls = read_calls(require_data(options.data))
    by_day: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_day[call.day].append(call)
    widths = (8, 7, 9, 7, 9, 7, 9, 7, 9)
    row("day", "served", "sim", "aband.", "sim", "ASA s", "sim", "SL20", "sim", widths=widths)
    totals = {"actual": defaultdict(float), "simulated": defaultdict(float)}
    errors = []
    days = 0
    with stopwatch() as elapsed:
        for day in sorted(by_day):
            today = by_day[day]
            if len(today) < options.min_calls:
                continue
            others = [c for d, group in by_day.items() if d != day for c in group]
            real = actual(today)
            sim = simulate_day(day, today, others, options.replications)
            days += 1
            errors.append(abs(sim["served"] - real["served"]) / real["served"] * 100)
            for name, figures in (("actual", real), ("simulated", sim)):
                totals[name]["served"] += figures["served"]
                totals[name]["abandoned"] += figures["abandoned"]
                totals[name]["wait"] += figures["asa"] * figures["served"]
                totals[name]["sl_weighted"] += figures["sl20"] * (
                    figures["served"] + figures["abandoned"]
                )
                totals[name]["weight"] += figures["served"] + figures["abandoned"]
            row(
                day,
                real["served"],
                sim["served"],
                real["abandoned"],
                sim["abandoned"],
                real["asa"],
                sim["asa"],
                real["sl20"],
                sim["sl20"],
                widths=widths,
            )

    def rate(name: str) -> float:
        t = totals[name]
        return t["abandoned"] / (t["served"] + t["abandoned"])

    print(
        f"{days} days in {elapsed[0]:.0f} s; SL20 over all days is weighted by each day's "
        "served + abandoned (an approximation of the pooled ratio)"
    )
    emit(
        {
            "days": days,
            "served_mape_pct": round(sum(errors) / len(errors), 2),
            "abandon_rate_actual": round(rate("actual"), 4),
            "abandon_rate_simulated": round(rate("simulated"), 4),
            "asa_actual_s": round(totals["actual"]["wait"] / totals["actual"]["served"], 1),
            "asa_simulated_s": round(
                totals["simulated"]["wait"] / totals["simulated"]["served"], 1
            ),
            "sl20_actual": round(totals["actual"]["sl_weighted"] / totals["actual"]["weight"], 4),
            "sl20_simulated": round(
                totals["simulated"]["sl_weighted"] / totals["simulated"]["weight"], 4
            ),
            "seconds": round(elapsed[0], 1),
        }
    )


if __name__ == "__main__":
    main()
