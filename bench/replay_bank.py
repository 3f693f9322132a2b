"""Replay a real bank's January 1999 calls and compare the simulator with what happened.

    uv run python -m bench.replay_bank [--data ../shared/data/anonymous_bank_1999_january.txt]
        [--tolerance 0.001] [--fit other-days|days-before] [--unready SHARE | --no-unready]
        [--unready-by period|day] [--calibration-replications 2]
        [--no-priority | --raw-priority] [--no-hurry] [--no-ring] [--ready-lag]

Each day is simulated from what a planner would know, never from its actual waits, outcomes
or abandonments (BENCHMARKS.md):

- arrivals: the times the calls reached the queue (served, or hung up after entering it),
  each with the customer's priority class from the log (`customer_class`), served first
  within the queue by the live routing engine's own rule
  (`RoutingEngine.contact_arrived(priority=...)`);
- staffing: the agents' presence observed in the log shift by shift (an agent's services
  less than an hour apart are one shift, present from its first service to its last), the
  time-average per half hour, rounded;
- fitted on other days (`--fit other-days`, the default) or on the days before the scored
  one only (`--fit days-before`), never on the scored day: handling times (empirical, per
  type of call when the type has 30 services or more),
  patience (Kaplan-Meier: hang-ups are events, served calls censored at their wait) and
  the share of present agents who were not ready, calibrated on those days' figures
  (`bench.replay_calibration`), for every two-hour period of the day (`--unready-by`);
  it becomes an after-call time `share / (1 - share) x mean handling` after a call ending
  in that period, shortened as callers wait as the log shows (`hurry_factors`,
  `--no-hurry`); and the ringing before a caller taken from the queue is answered
  (`ANSWER_QUANTILE` of `gaps_while_waiting`, `--no-ring`);
- with `--ready-lag`, that after-call time is cut short while callers wait
  (`QueueSpec.wrap_up_when_waiting`): to the gaps between an agent's calls while callers
  waited throughout, on the training days (`gaps_while_waiting`; median 5 s on January).

Printed beside the result: the presence observed shift by shift, what the simulation
logged in and what it left ready, per period of the day, and the figures per priority
class. Malformed lines are skipped and named up to `--tolerance` (a share of the lines,
default 0.1 %), else the bench stops with their line numbers. Last line: JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench import SHARED_DATA, emit, require_data, row, stopwatch
from bench.bank_log import (
    Call,
    busy_by_waiting,
    gaps_while_waiting,
    kaplan_meier,
    overtaking,
    presence,
    read_calls,
)
from bench.replay_calibration import (
    BAND_S,
    FIT_RULES,
    GRID,
    Figures,
    Totals,
    choose,
    choose_by_band,
    training_days,
)
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
type Busy = dict[int, tuple[float, float]]  # callers waiting -> agent-s present, serving
REGULAR = 1  # the bank's regular customers; 2 are its priority customers
REGULAR_ACTIVITY = "PS"
WAITING_COUNTS = (1, 2, 4, 8)  # callers waiting: the steps of `hurry_factors`
MIN_HURRY_HOURS = 20.0
#: The answer delay (ringing, picking up) is the shortest time in which agents took a waiting
#: caller after their last call: this quantile of those gaps (`gaps_while_waiting`); the
#: rest of a gap is after-call work.
ANSWER_QUANTILE = 0.1
MIN_KIND_SERVICES = 30  # a type of call with fewer services on the training days: pooled
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
    """What a day's simulation learns from its training days."""

    handling: Empirical
    patience: Empirical
    mean_handling_s: float
    unready_bound: float  # share of presence not serving while callers waited: at most this
    ready_lag: Empirical | None = None  # after-call time while callers waited (None: not used)
    by_kind: tuple[tuple[str, Empirical], ...] = ()  # handling times per type of call
    hurry: tuple[tuple[int, float], ...] = ()  # after-call time factor by callers waiting
    answer_delay_s: float = 0.0  # from an agent given a waiting caller to the answer

    @classmethod
    def of(
        cls,
        calls: list[Call],
        busy: list[Busy],
        *,
        lag: bool = False,
        by_kind: bool = True,
        hurry: bool = True,
        ring: bool = True,
    ) -> Fit:
        services = tuple(c.service_end - c.service_start for c in calls if c.served)
        present = sum(seconds for day in busy for seconds, _ in day.values())
        serving = sum(seconds for day in busy for _, seconds in day.values())
        bound = max(0.0, 1 - serving / present) if present else 0.0
        mean = sum(services) / len(services)
        gaps = sorted(gaps_while_waiting(calls, SHIFT_GAP)) if lag or ring else []
        ready = Empirical(tuple(gaps)) if gaps and lag else None
        delay = gaps[int(ANSWER_QUANTILE * len(gaps))] if gaps and ring else 0.0
        kinds: dict[str, list[float]] = defaultdict(list)
        for call in calls:
            if call.served:
                kinds[call.kind].append(call.service_end - call.service_start)
        laws = tuple(
            (kind, Empirical(tuple(values)))
            for kind, values in sorted(kinds.items())
            if by_kind and len(values) >= MIN_KIND_SERVICES
        )
        factors = hurry_factors(busy, bound) if hurry else ()
        return cls(
            Empirical(services), kaplan_meier(calls), mean, bound, ready, laws, factors, delay
        )

    def after_call_s(self, unready: float) -> float:
        """The after-call time that keeps a busy agent unready `unready` of the time."""
        return unready / (1 - unready) * self.mean_handling_s


def hurry_factors(busy: list[Busy], bound: float) -> tuple[tuple[int, float], ...]:
    """How the agents' after-call time follows the queue on the training days: for each
    count of callers waiting (`WAITING_COUNTS`), the odds of a present agent not serving
    then, over the odds of it while anyone waited (`unready_bound`); with nobody waiting,
    as with one caller (the log cannot tell idle from unready then). A count seen for less
    than `MIN_HURRY_HOURS` agent-hours keeps the factor of the count below."""
    if not 0 < bound < 1:
        return ()
    factors: list[tuple[int, float]] = []
    factor = 1.0
    for count in WAITING_COUNTS:
        present = sum(day[count][0] for day in busy if count in day)
        serving = sum(day[count][1] for day in busy if count in day)
        if present >= MIN_HURRY_HOURS * 3600 and 0 < serving < present:
            share = 1 - serving / present
            factor = share / (1 - share) / (bound / (1 - bound))
        factors.append((count, round(factor, 4)))
    return ((0, factors[0][1]), *factors)


def customer_class(priority: int, kind: str, *, raw: bool = False) -> int:
    """The class the replay serves a call in: the log's priority, except that an
    unidentified (0) caller of the regular activity (PS) is a customer who found an agent
    free before being identified, so the regular class 1 unless `raw`; other unidentified
    callers (new customers, internet...) stay below 1, as the bank served them
    (docs/simulation.md, `overtaking`)."""
    return REGULAR if priority == 0 and kind == REGULAR_ACTIVITY and not raw else priority


def scenario_for(
    day: str,
    calls: list[Call],
    fit: Fit,
    unready: float,
    replications: int,
    classes: Callable[[Call], int | None],
    by_band: Mapping[int, float] | None = None,
) -> Scenario:
    """The day's scenario: after-call time from the unready share θ, per period of the day
    when `by_band` gives one (the day's θ for the periods it leaves out)."""
    counts = staffing(calls)
    queue = QueueConfig("calls", wrap_up_s=fit.after_call_s(unready))
    profile = (
        tuple(
            fit.after_call_s(by_band.get(int(slot * INTERVAL // BAND_S), unready))
            for slot in range(int(DAY / INTERVAL))
        )
        if by_band
        else ()
    )
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
        queues=(
            QueueSpec(
                queue,
                fit.handling,
                fit.patience,
                wrap_up_when_waiting=fit.ready_lag,
                handling_by_kind=fit.by_kind,
                wrap_up_by_interval=profile,
                wrap_up_by_waiting=fit.hurry,
                answer_delay_s=fit.answer_delay_s,
            ),
        ),
        agents=(AgentGroup("bank", "bank", max(counts), per_interval=tuple(counts)),),
        replay=tuple(
            ReplayArrival(c.arrival, "calls", priority=classes(c), kind=c.kind)
            for c in sorted(calls, key=lambda c: c.arrival)
        ),
    )


def figures(result: SimulationResult, view: tuple[str, str, float | None]) -> dict[str, float]:
    return {name: result.estimate(view, metric).mean or 0.0 for name, metric in METRICS.items()}


def band_figures(result: SimulationResult) -> dict[int, Figures]:
    """The simulated figures of each period of the day (`BAND_S`), from its intervals."""
    totals = Totals()
    bands = set()
    for view in result.views("total", intervals=True):
        band = int((view[2] or 0.0) // BAND_S)
        bands.add(band)
        totals.add(str(band), "simulated", figures(result, view))
    return {band: totals.figures(str(band), "simulated") for band in bands}


def actual_bands(calls: list[Call]) -> dict[int, Figures]:
    """The actual figures of each period of the day, by the calls' arrival."""
    bands: dict[int, list[Call]] = defaultdict(list)
    for call in calls:
        bands[int(call.arrival // BAND_S)].append(call)
    return {band: actual(group) for band, group in bands.items()}


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


def by_period(profiles: Mapping[str, Mapping[int, float]]) -> dict[str, float]:
    """The unready share of each period of the day, averaged over the scored days."""
    shares: dict[int, list[float]] = defaultdict(list)
    for profile in profiles.values():
        for band, share in profile.items():
            shares[band].append(share)
    hours = BAND_S / 3600
    return {
        f"{band * hours:02.0f}-{(band + 1) * hours:02.0f}": round(sum(v) / len(v), 4)
        for band, v in sorted(shares.items())
    }


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
    parser.add_argument(
        "--calibration-replications",
        type=int,
        default=2,
        help="replications of each day for each unready share of the grid",
    )
    parser.add_argument("--min-calls", type=int, default=100)
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="share of malformed lines skipped and reported (0.001 = 0.1 %%); above it, stop",
    )
    parser.add_argument(
        "--fit",
        choices=tuple(FIT_RULES),
        default="other-days",
        help="the days handling times, patience and the unready share are fitted on",
    )
    parser.add_argument(
        "--no-priority", action="store_true", help="one class for everyone (to see its effect)"
    )
    parser.add_argument(
        "--raw-priority",
        action="store_true",
        help="every unidentified caller (0) below class 1, even the PS callers served at once",
    )
    parser.add_argument(
        "--unready",
        type=float,
        default=None,
        help="a fixed unready share for every day instead of calibrating it (0: all ready)",
    )
    parser.add_argument(
        "--no-unready", action="store_true", help="every present agent ready (--unready 0)"
    )
    parser.add_argument(
        "--unready-by",
        choices=("period", "day"),
        default="period",
        help="calibrate the unready share for each two-hour period of the day, or one per day",
    )
    parser.add_argument(
        "--no-hurry",
        action="store_true",
        help="the same after-call time whatever the queue (else shorter as it grows)",
    )
    parser.add_argument(
        "--no-ring",
        action="store_true",
        help="a caller taken from the queue answered at once (else after the answer delay)",
    )
    parser.add_argument(
        "--ready-lag",
        action="store_true",
        help="after-call time cut short while callers wait (to the gaps the training days "
        "show between an agent's calls while callers waited), one agent per waiting caller",
    )
    options = parser.parse_args()
    if not 0 <= options.tolerance < 1:
        parser.error("--tolerance is a share of the lines, from 0 to below 1")
    if options.no_unready:
        options.unready = 0.0
    if options.unready is not None and not 0 <= options.unready < 1:
        parser.error("--unready is a share of the agents' presence, from 0 to below 1")
    return options


def classes_of(options: argparse.Namespace) -> Callable[[Call], int | None]:
    if options.no_priority:
        return lambda call: None
    return lambda call: customer_class(call.priority, call.kind, raw=options.raw_priority)


def fit_on(
    days: list[str],
    by_day: dict[str, list[Call]],
    busy: dict[str, Busy],
    options: argparse.Namespace,
) -> Fit:
    """What a scored day learns from its training `days`, with the run's switches."""
    return Fit.of(
        [c for d in days for c in by_day[d]],
        [busy[d] for d in days],
        lag=options.ready_lag,
        hurry=not options.no_hurry,
        ring=not options.no_ring,
    )


type Matrix = dict[str, dict[float, Figures]]
type BandMatrix = dict[str, dict[float, dict[int, Figures]]]


def calibration_matrix(
    by_day: dict[str, list[Call]],
    busy: dict[str, Busy],
    days: list[str],
    options: argparse.Namespace,
) -> tuple[Matrix, BandMatrix]:
    """Each day's simulated figures for every unready share of the grid, fitted as the day
    would be scored (on its own training days under `--fit`): for the whole day and for
    each period of the day."""
    classes = classes_of(options)
    matrix: Matrix = {}
    bands: BandMatrix = {}
    widths = (8, 7) + (7,) * len(GRID)
    print("calibration matrix: ASA s, actual then simulated for each unready share")
    row("day", "actual", *(f"{share:.2f}" for share in GRID), widths=widths)
    for day in days:
        if not (fit_days := training_days(day, by_day, options.fit)):
            continue
        fit = fit_on(fit_days, by_day, busy, options)
        replications = options.calibration_replications
        matrix[day], bands[day] = {}, {}
        for share in GRID:
            result = simulate(scenario_for(day, by_day[day], fit, share, replications, classes))
            matrix[day][share] = figures(result, TOTAL)
            bands[day][share] = band_figures(result)
        asa = (matrix[day][share]["asa"] for share in GRID)
        row(day, actual(by_day[day])["asa"], *asa, widths=widths)
    return matrix, bands


def main() -> None:
    options = arguments()
    calls, report = read(require_data(options.data), options.tolerance)
    print(report.summary())
    by_day: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_day[call.day].append(call)
    classes = classes_of(options)
    kinds = sorted({klass for call in calls if (klass := classes(call)) is not None})
    print(
        f"fitted on {FIT_RULES[options.fit]} ({options.fit}): handling times, patience and "
        f"the unready share, never on the scored day; log priorities "
        f"{sorted({call.priority for call in calls})} served as classes {kinds or 'one class'}"
    )
    order = overtaking(calls)
    print("callers who waited at once, by the log's priority: later served first (share)")
    row("earlier", *(f"{a}<-{b}" for a, b in order), widths=(8,) + (7,) * len(order))
    row("share", *(share for _, share in order.values()), widths=(8,) + (7,) * len(order))
    busy = {day: busy_by_waiting(group, SHIFT_GAP, WAITING_COUNTS) for day, group in by_day.items()}
    days = sorted(day for day, group in by_day.items() if len(group) >= options.min_calls)
    real = {day: actual(by_day[day]) for day in days}
    widths = (8, 7, 9, 7, 9, 7, 9, 7, 9, 7, 7)
    totals = Totals()
    errors = []
    chosen: dict[str, float] = {}  # the unready share each scored day was simulated with
    profiles: dict[str, dict[int, float]] = {}  # and per period of the day
    bounds: list[float] = []
    delays: list[float] = []  # the answer delay each scored day was simulated with
    with stopwatch() as elapsed:
        with stopwatch() as calibrating:
            matrix, bands = (
                ({}, {})
                if options.unready is not None
                else calibration_matrix(by_day, busy, days, options)
            )
        real_bands = {day: actual_bands(by_day[day]) for day in days}
        print(
            f"unready share fixed at {options.unready}"
            if options.unready is not None
            else "unready share for each scored day: the one (grid interpolated) whose figures "
            f"pooled over its training days ({FIT_RULES[options.fit]}) are nearest the actual "
            "ones, ASA, abandonment and SL20 each in units of its target's tolerance"
            + (
                f"; then the same for each {BAND_S / 3600:g}-hour period of the day"
                if options.unready_by == "period"
                else ""
            )
        )
        header = ("day", "served", "sim", "aband.", "sim", "ASA s", "sim", "SL20", "sim")
        row(*header, "unready", "bound", widths=widths)
        for day in days:
            fit_days = training_days(day, by_day, options.fit)
            share = options.unready
            calibration = [d for d in training_days(day, days, options.fit) if d in matrix]
            if share is None and calibration:
                share, _ = choose(matrix, real, calibration)
            if not fit_days or share is None:
                continue
            fit = fit_on(fit_days, by_day, busy, options)
            profile = (
                choose_by_band(bands, real_bands, calibration, share)
                if options.unready_by == "period" and options.unready is None
                else None
            )
            if profile:
                profiles[day] = profile
            result = simulate(
                scenario_for(day, by_day[day], fit, share, options.replications, classes, profile)
            )
            sim = figures(result, TOTAL)
            chosen[day] = share
            bounds.append(fit.unready_bound)
            delays.append(fit.answer_delay_s)
            errors.append(abs(sim["served"] - real[day]["served"]) / real[day]["served"] * 100)
            totals.add("total", "actual", real[day])
            totals.add("total", "simulated", sim)
            for klass in kinds:
                view = ("priority", str(klass), None)
                totals.add(
                    str(klass), "actual", actual([c for c in by_day[day] if classes(c) == klass])
                )
                totals.add(str(klass), "simulated", figures(result, view))
            pairs = zip(real[day].values(), sim.values(), strict=True)
            row(day, *(v for pair in pairs for v in pair), share, fit.unready_bound, widths=widths)
    print(
        f"{len(chosen)} days in {elapsed[0]:.0f} s (calibration {calibrating[0]:.0f} s); SL20 "
        "over all days is weighted by each day's served + abandoned (an approximation of the "
        "pooled ratio)"
    )
    by_class = totals.by_class(kinds)
    row("class", "ASA", "sim", "SL20", "sim", "aband.", "sim", widths=widths)
    for name, values in by_class.items():
        row(name, *values.values(), widths=widths)
    periods = presence_by_period(by_day, chosen)
    period_widths = (8, 12, 12, 12, 8, 12)
    row("period", "observed h", "logged h", "ready h", "gap %", "10-min h", widths=period_widths)
    for entry in periods:
        row(*entry.values(), widths=period_widths)
    emit(
        {
            "days": len(chosen),
            "served_mape_pct": round(sum(errors) / len(errors), 2) if errors else None,
            "abandon_rate_actual": round(totals.rate("total", "actual"), 4),
            "abandon_rate_simulated": round(totals.rate("total", "simulated"), 4),
            "asa_actual_s": round(totals.asa("total", "actual"), 1),
            "asa_simulated_s": round(totals.asa("total", "simulated"), 1),
            "sl20_actual": round(totals.sl20("total", "actual"), 4),
            "sl20_simulated": round(totals.sl20("total", "simulated"), 4),
            "priority_classes": max(1, len(kinds)),
            "malformed_lines": report.skipped,
            "malformed_line_numbers": [bad.line for bad in report.malformed[:20]],
            "fitted_on": options.fit,
            "ready_lag": options.ready_lag,
            "handling_by_type": True,
            "hurry": not options.no_hurry,
            "answer_delay_s": round(sum(delays) / len(delays), 2) if delays else None,
            "unready_rule": "fixed"
            if options.unready is not None
            else f"calibrated by {options.unready_by}",
            "unready_by_period": by_period(profiles),
            "unready_grid": [] if options.unready is not None else list(GRID),
            "unready_share": round(sum(chosen.values()) / len(chosen), 4) if chosen else None,
            "unready_bound": round(sum(bounds) / len(bounds), 4) if bounds else None,
            "unready_by_day": {day: round(share, 4) for day, share in chosen.items()},
            "by_priority": by_class,
            "overtaken_share": {
                f"{a}<-{b}": round(share, 3) for (a, b), (_, share) in order.items()
            },
            "presence_by_period": periods,
            "calibration_seconds": round(calibrating[0], 1),
            "seconds": round(elapsed[0], 1),
        }
    )


if __name__ == "__main__":
    main()
