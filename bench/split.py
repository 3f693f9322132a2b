"""Volume split: how close the actual shares stay to the targets, and what it costs in wait.

    uv run python -m bench.split [--days 7] [--bound 10] [--window 500] [--tolerance 2]
        [--seed 1] [--quick]

One voice queue split 40 % Atlas (Rabat), 35 % Carpathia (Bucharest), 25 % Lille (the
company's own site), simulated over `--days` days (a week by default; `--quick`: one day)
by the simulator, that is by the routing engine of `relais.core.routing` with
`auto_accept=True`. Arrivals are Poisson, 720 calls an hour, handling exponential with a
mean of 300 s (60 Erlangs). Each group is staffed for its own share at a service level of
80 % in 20 s (Erlang C), then Lille given three agents more and Atlas two fewer: without
a split Lille takes more than its share and Atlas less, and the split has to hold calls
for Atlas.

The same scenario (same seed, hence the same arrivals and handling times) runs twice: with
the split and without it. Figures:

- `share_error_pct`: mean, over the week's 30-minute intervals and the three groups, of
  |actual share − target share|, in percentage points (actual share: the group's part of
  the calls answered in the interval); `share_error_week_pct`: the same over the whole week;
  `share_error_no_split_pct`: the first figure for the run without a split, for reference;
- `p99_wait_split_s`, `p99_wait_no_split_s`: the 99th percentile of the wait of answered
  calls, and `p99_wait_penalty_s` their difference.

Last line: JSON.
"""

from __future__ import annotations

import argparse
import math

from bench import emit, row, stopwatch
from relais.core.queueing import StaffingTargets, required_agents
from relais.core.routing import (
    QueueConfig,
    Site,
    SiteKind,
    SplitShare,
    VolumeSplit,
)
from relais.core.routing.split import group_of, offers_by_interval
from relais.core.simulation import AgentGroup, Exponential, QueueSpec, Scenario, run_replication
from relais.core.simulation.runner import RunOutcome

RATE_PER_HOUR, AHT = 720.0, 300.0
INTERVAL_S = 1800.0
SITES = (
    Site("rabat", SiteKind.OFFSHORE, "atlas", "Africa/Casablanca"),
    Site("bucharest", SiteKind.NEARSHORE, "carpathia", "Europe/Bucharest"),
    Site("lille", SiteKind.INSHORE, None, "Europe/Paris"),
)
SHARES = (
    SplitShare(40.0, partner="atlas"),
    SplitShare(35.0, partner="carpathia"),
    SplitShare(25.0, site="lille"),
)
SERVICE_LEVEL = StaffingTargets(service_level=0.8, threshold_s=20.0)
EXTRA = {"lille": 3, "rabat": -2}  # agents beyond what the share needs


def agents_for(share: float) -> int:
    """The fewest agents that answer 80 % of the share's calls within 20 s (Erlang C)."""
    volume = RATE_PER_HOUR * share / 2  # calls per 30 minutes
    return required_agents(volume=volume, aht_s=AHT, targets=SERVICE_LEVEL).agents


def scenario(days: float, split: VolumeSplit | None, seed: int) -> Scenario:
    groups = []
    for site, share in zip(SITES, SHARES, strict=True):
        count = agents_for(share.percent / 100) + EXTRA.get(site.site_id, 0)
        groups.append(AgentGroup(site.site_id, site.site_id, count))
    return Scenario(
        name="split",
        start=0.0,
        duration_s=days * 86400.0,
        interval_s=INTERVAL_S,
        seed=seed,
        replications=1,
        agent_states=False,
        sites=SITES,
        queues=(
            QueueSpec(
                QueueConfig("orders", split=split),
                Exponential(AHT),
                rate_per_hour=RATE_PER_HOUR,
            ),
        ),
        agents=tuple(groups),
    )


def shares_by_interval(outcome: RunOutcome, split: VolumeSplit) -> list[list[int]]:
    """Calls answered per interval (by answer time) and group (the engine's `group_of`)."""
    groups = [group_of(split, site) for site in SITES]
    sites = outcome.staff.agent_sites
    answers = (
        (outcome.answered[contact], groups[sites[agent]])
        for contact, agent in enumerate(outcome.agent_of)
        if agent >= 0 and 0 <= outcome.answered[contact] < outcome.scenario.end
    )
    counts = offers_by_interval(answers, len(SHARES), INTERVAL_S)
    return [counts[key][: len(SHARES)] for key in sorted(counts)]


def share_error(intervals: list[list[int]]) -> tuple[float, float]:
    """Mean |actual − target| in points over intervals and groups, and over the week."""
    targets = [share.percent for share in SHARES]
    deviations = []
    for counts in intervals:
        total = sum(counts)
        if total:
            deviations += [abs(100 * c / total - t) for c, t in zip(counts, targets, strict=True)]
    week = [sum(column) for column in zip(*intervals, strict=True)]
    total = sum(week)
    overall = [abs(100 * c / total - t) for c, t in zip(week, targets, strict=True)]
    return sum(deviations) / len(deviations), sum(overall) / len(overall)


def p99_wait(outcome: RunOutcome) -> tuple[float, int]:
    waits = sorted(
        answered - arrived
        for answered, arrived in zip(outcome.answered, outcome.arrivals.times, strict=True)
        if answered >= 0
    )
    return waits[min(len(waits) - 1, math.ceil(0.99 * len(waits)) - 1)], len(waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--bound", type=float, default=10.0, help="wait bound, seconds")
    parser.add_argument("--window", type=int, default=500, help="window, offers")
    parser.add_argument("--tolerance", type=float, default=2.0, help="points over target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="one day instead of --days")
    args = parser.parse_args()
    days = 1.0 if args.quick else args.days
    split = VolumeSplit(
        SHARES, wait_bound_s=args.bound, window=args.window, tolerance_pct=args.tolerance
    )
    figures: dict[str, float] = {}
    row("run", "calls", "p99 wait s", "share err pt", "week err pt", "seconds")
    for name, config in (("no_split", None), ("split", split)):
        with stopwatch() as elapsed:
            outcome = run_replication(scenario(days, config, args.seed), 0)
        error, week = share_error(shares_by_interval(outcome, split))
        p99, calls = p99_wait(outcome)
        row(name, calls, p99, error, week, elapsed[0])
        figures[f"p99_wait_{name}_s"] = p99
        figures[f"share_error_{name}_pct"] = error
        figures[f"share_error_week_{name}_pct"] = week
    emit(
        {
            "share_error_pct": round(figures["share_error_split_pct"], 3),
            "share_error_week_pct": round(figures["share_error_week_split_pct"], 3),
            "share_error_no_split_pct": round(figures["share_error_no_split_pct"], 3),
            "p99_wait_penalty_s": round(
                figures["p99_wait_split_s"] - figures["p99_wait_no_split_s"], 3
            ),
            "p99_wait_no_split_s": round(figures["p99_wait_no_split_s"], 3),
            "p99_wait_split_s": round(figures["p99_wait_split_s"], 3),
            "days": days,
            "wait_bound_s": args.bound,
            "window_offers": args.window,
            "tolerance_pct": args.tolerance,
        }
    )


if __name__ == "__main__":
    main()
