"""Replay a real bank's January 1999 calls and compare the simulator with what happened.

    uv run python -m bench.replay_bank [--data ../shared/data/anonymous_bank_1999_january.txt]
        [--tolerance 0.001] [--fit other-days|days-before] [--no-priority] [--no-unready]

Each day is simulated from what a planner would know, never from its actual waits, outcomes
or abandonments (BENCHMARKS.md):

- arrivals: the times the calls reached the queue (served, or hung up after entering it),
  each with the customer's priority class from the log, served first within the queue by
  the live routing engine's own rule (`RoutingEngine.contact_arrived(priority=...)`);
- staffing: the agents' presence observed in the log shift by shift (an agent's services
  less than an hour apart are one shift, present from its first service to its last), the
  time-average per half hour, rounded;
- fitted on other days (`--fit other-days`, the default) or on the days before the scored
  one only (`--fit days-before`), never on the scored day: handling times (empirical),
  patience (Kaplan-Meier: hang-ups are events, served calls censored at their wait) and the
  share of present agents who were not ready: while callers waited, a ready agent would have
  been serving, so 1 - serving / present then is the share of presence spent on other work;
  it becomes an after-call time `share / (1 - share) x mean handling` after every call.

Printed beside the result: the presence observed shift by shift, what the simulation
logged in and what it left ready, per period of the day, and the figures per priority
class. Malformed lines are skipped and named up to `--tolerance` (a share of the lines,
default 0.1 %), else the bench stops with their line numbers. Last line: JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import SHARED_DATA, emit, require_data, row, stopwatch
from bench.bank_log import Call, busy_while_waiting, kaplan_meier, presence, read_calls
from relais.core.importing import DEFAULT_TOLERANCE, ImportReport, MalformedInput
from relais.core.kpi import KpiConfig
from relais.core.routing import QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    Empirical,
    QueueSpec,
    ReplayArrival,
    Scenario,
    SimulationResult,
    simulate,
)

DAY = 86_400.0
INTERVAL = 1800.0
SHIFT_GAP = 3600.0  # an agent's services closer than this: the same shift
SERVICE_GAP = 600.0  # the presence the replay used until December 2026, shown for comparison
PERIODS = (("00-07", 0, 7), ("07-12", 7, 12), ("12-17", 12, 17), ("17-24", 17, 24))
TOTAL = ("total", "", None)
METRICS = {
    "served": "answered",
    "abandoned": "abandoned",
    "asa": "average_speed_of_answer",
    "sl20": "service_level",
}


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


def staffing(calls: list[Call]) -> list[int]:
    """What the simulation logs in per half hour: the presence observed shift by shift."""
    return [round(agents) for agents in presence(calls, SHIFT_GAP, INTERVAL)]


@dataclass(frozen=True)
class Fit:
    """What a day's simulation learns from other days."""

    handling: Empirical
    patience: Empirical
    unready_share: float  # of present agents, while callers waited
    after_call_s: float

    @classmethod
    def of(cls, calls: list[Call], busy: list[tuple[float, float]], *, unready: bool) -> Fit:
        services = tuple(c.service_end - c.service_start for c in calls if c.served)
        present = sum(seconds for seconds, _ in busy)
        serving = sum(seconds for _, seconds in busy)
        share = max(0.0, 1 - serving / present) if unready and present else 0.0
        mean = sum(services) / len(services)
        return cls(Empirical(services), kaplan_meier(calls), share, share / (1 - share) * mean)


def scenario_for(
    day: str, calls: list[Call], fit: Fit, replications: int, *, priority: bool
) -> Scenario:
    counts = staffing(calls)
    queue = QueueConfig("calls", wrap_up_s=fit.after_call_s)
    return Scenario(
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
        queues=(QueueSpec(queue, fit.handling, fit.patience),),
        agents=(AgentGroup("bank", "bank", max(counts), per_interval=tuple(counts)),),
        replay=tuple(
            ReplayArrival(c.arrival, "calls", priority=c.priority if priority else None)
            for c in sorted(calls, key=lambda c: c.arrival)
        ),
    )


def figures(result: SimulationResult, view: tuple[str, str, None]) -> dict[str, float]:
    return {name: result.estimate(view, metric).mean or 0.0 for name, metric in METRICS.items()}


class Totals:
    """Figures added up over days (and per priority class), actual beside simulated."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, str], defaultdict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )

    def add(self, group: str, name: str, values: dict[str, float]) -> None:
        t = self.sums[group, name]
        t["served"] += values["served"]
        t["abandoned"] += values["abandoned"]
        t["wait"] += values["asa"] * values["served"]
        t["sl_weighted"] += values["sl20"] * (values["served"] + values["abandoned"])
        t["weight"] += values["served"] + values["abandoned"]

    def rate(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["abandoned"] / max(1.0, t["served"] + t["abandoned"])

    def asa(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["wait"] / max(1.0, t["served"])

    def sl20(self, group: str, name: str) -> float:
        t = self.sums[group, name]
        return t["sl_weighted"] / max(1.0, t["weight"])

    def by_class(self, classes: list[int]) -> dict[str, dict[str, float]]:
        return {
            str(klass): {
                "asa_actual_s": round(self.asa(str(klass), "actual"), 1),
                "asa_simulated_s": round(self.asa(str(klass), "simulated"), 1),
                "sl20_actual": round(self.sl20(str(klass), "actual"), 4),
                "sl20_simulated": round(self.sl20(str(klass), "simulated"), 4),
                "abandon_rate_actual": round(self.rate(str(klass), "actual"), 4),
                "abandon_rate_simulated": round(self.rate(str(klass), "simulated"), 4),
            }
            for klass in classes
        }


def presence_by_period(
    by_day: dict[str, list[Call]], shares: dict[str, float]
) -> list[dict[str, object]]:
    """Agent-hours per period of the day over the scored days: the presence observed shift
    by shift, what the simulation logged in (rounded per half hour), what it left ready
    (less the unready share), and the presence the replay used before (services < 10 min
    apart), so that the gap between them can be seen."""
    sums = [[0.0, 0.0, 0.0, 0.0] for _ in PERIODS]
    per_hour = int(3600 / INTERVAL)
    hours = INTERVAL / 3600
    for day, share in shares.items():
        observed = presence(by_day[day], SHIFT_GAP, INTERVAL)
        logged = staffing(by_day[day])
        services = presence(by_day[day], SERVICE_GAP, INTERVAL)
        for index, (_, first, last) in enumerate(PERIODS):
            window = slice(first * per_hour, last * per_hour)
            sums[index][0] += sum(observed[window]) * hours
            sums[index][1] += sum(logged[window]) * hours
            sums[index][2] += sum(logged[window]) * hours * (1 - share)
            sums[index][3] += sum(services[window]) * hours
    return [
        {
            "period": name,
            "observed_h": round(seen, 1),
            "simulated_logged_h": round(logged, 1),
            "simulated_ready_h": round(ready, 1),
            "ready_gap_pct": round((ready - seen) / seen * 100, 1) if seen else None,
            "service_sessions_h": round(sessions, 1),
        }
        for (name, _, _), (seen, logged, ready, sessions) in zip(PERIODS, sums, strict=True)
    ]


def read(path: Path, tolerance: float) -> tuple[list[Call], ImportReport]:
    try:
        return read_calls(path, tolerance)
    except (MalformedInput, ValueError) as error:
        print(f"cannot replay {path}: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(SHARED_DATA / "anonymous_bank_1999_january.txt"))
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--min-calls", type=int, default=100)
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="share of malformed lines skipped and reported (0.001 = 0.1 %%); above it, stop",
    )
    parser.add_argument(
        "--fit",
        choices=("other-days", "days-before"),
        default="other-days",
        help="the days handling times, patience and the unready share are fitted on",
    )
    parser.add_argument(
        "--no-priority", action="store_true", help="one class for everyone (to see its effect)"
    )
    parser.add_argument(
        "--no-unready", action="store_true", help="every present agent ready (the lower bound)"
    )
    options = parser.parse_args()
    if not 0 <= options.tolerance < 1:
        parser.error("--tolerance is a share of the lines, from 0 to below 1")
    return options


def main() -> None:
    options = arguments()
    calls, report = read(require_data(options.data), options.tolerance)
    print(report.summary())
    by_day: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_day[call.day].append(call)
    classes = sorted({call.priority for call in calls})
    print(
        f"fitted on {options.fit} (handling times, patience, unready share; never the scored "
        f"day); priority classes {classes}{' ignored' if options.no_priority else ''}"
    )
    busy = {day: busy_while_waiting(group, SHIFT_GAP) for day, group in by_day.items()}
    widths = (8, 7, 9, 7, 9, 7, 9, 7, 9, 7)
    row(
        "day",
        "served",
        "sim",
        "aband.",
        "sim",
        "ASA s",
        "sim",
        "SL20",
        "sim",
        "unready",
        widths=widths,
    )
    totals = Totals()
    errors = []
    shares: dict[str, float] = {}
    with stopwatch() as elapsed:
        for day in sorted(by_day):
            today = by_day[day]
            fit_days = [d for d in by_day if d != day and (options.fit == "other-days" or d < day)]
            if len(today) < options.min_calls or not fit_days:
                continue
            fit = Fit.of(
                [c for d in fit_days for c in by_day[d]],
                [busy[d] for d in fit_days],
                unready=not options.no_unready,
            )
            scenario = scenario_for(
                day, today, fit, options.replications, priority=not options.no_priority
            )
            result = simulate(scenario)
            real, sim = actual(today), figures(result, TOTAL)
            shares[day] = fit.unready_share
            errors.append(abs(sim["served"] - real["served"]) / real["served"] * 100)
            totals.add("total", "actual", real)
            totals.add("total", "simulated", sim)
            for klass in classes:
                totals.add(str(klass), "actual", actual([c for c in today if c.priority == klass]))
                if not options.no_priority:
                    view = ("priority", str(klass), None)
                    totals.add(str(klass), "simulated", figures(result, view))
            row(
                day,
                *(
                    value
                    for pair in zip(real.values(), sim.values(), strict=True)
                    for value in pair
                ),
                fit.unready_share,
                widths=widths,
            )
    print(
        f"{len(shares)} days in {elapsed[0]:.0f} s; SL20 over all days is weighted by each "
        "day's served + abandoned (an approximation of the pooled ratio)"
    )
    by_class = totals.by_class(classes)
    row("class", "ASA", "sim", "SL20", "sim", "aband.", "sim", widths=widths)
    for name, values in by_class.items():
        row(name, *values.values(), widths=widths)
    periods = presence_by_period(by_day, shares)
    row(
        "period",
        "observed h",
        "logged h",
        "ready h",
        "gap %",
        "10-min h",
        widths=(8, 12, 12, 12, 8, 12),
    )
    for entry in periods:
        row(*entry.values(), widths=(8, 12, 12, 12, 8, 12))
    emit(
        {
            "days": len(shares),
            "served_mape_pct": round(sum(errors) / len(errors), 2) if errors else None,
            "abandon_rate_actual": round(totals.rate("total", "actual"), 4),
            "abandon_rate_simulated": round(totals.rate("total", "simulated"), 4),
            "asa_actual_s": round(totals.asa("total", "actual"), 1),
            "asa_simulated_s": round(totals.asa("total", "simulated"), 1),
            "sl20_actual": round(totals.sl20("total", "actual"), 4),
            "sl20_simulated": round(totals.sl20("total", "simulated"), 4),
            "priority_classes": 1 if options.no_priority else len(classes),
            "malformed_lines": report.skipped,
            "malformed_line_numbers": [bad.line for bad in report.malformed[:20]],
            "fitted_on": options.fit,
            "unready_share": round(sum(shares.values()) / len(shares), 4) if shares else None,
            "by_priority": by_class,
            "presence_by_period": periods,
            "seconds": round(elapsed[0], 1),
        }
    )


if __name__ == "__main__":
    main()
