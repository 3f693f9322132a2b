"""The simulator against queueing theory: Erlang C and Erlang A within the simulated 95 % CI.

    uv run python -m bench.simulator_validation

M/M/c (no abandonment) against Erlang C (ASA and service level at 20 s), and M/M/c+M
(exponential patience) against Erlang A (P(abandon) and ASA of answered contacts), for
several loads. Each case runs independent replications of 30 hours after a 4-hour warm-up
(contacts arriving in the warm-up are left out); the analytic value should lie within the
95 % confidence interval of the replications (so about 1 check in 20 may fall outside by
chance). Short abandons are not excluded here (threshold 0), as in the formulas.
"""

from __future__ import annotations

from bench import emit, row, stopwatch
from relais.core.kpi import KpiConfig
from relais.core.queueing import erlang_a, erlang_c
from relais.core.routing import QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    Exponential,
    Never,
    QueueSpec,
    Scenario,
    simulate,
)

AHT = 180.0
TOTAL = ("total", "", None)
REPLICATIONS = 20


def scenario(agents: int, load: float, patience: float | None, hours: float) -> Scenario:
    rate = load * agents / AHT * 3600
    law = Never() if patience is None else Exponential(patience)
    return Scenario(
        name=f"M/M/{agents} load {load}",
        start=0.0,
        duration_s=hours * 3600,
        warm_up_s=4 * 3600,
        interval_s=hours * 3600,
        replications=REPLICATIONS,
        seed=11,
        agent_states=False,
        kpi=KpiConfig(short_abandon_seconds=0.0, fcr_window_seconds=None),
        sites=(Site("s"),),
        queues=(QueueSpec(QueueConfig("q"), Exponential(AHT), law, rate_per_hour=rate),),
        agents=(AgentGroup("a", "s", agents),),
    )


def main() -> None:
    widths = (26, 22, 12, 26, 8)
    row("case", "figure", "analytic", "simulated 95 % CI", "inside", widths=widths)
    c_inside = a_inside = total = 0
    with stopwatch() as elapsed:
        for agents, load in ((10, 0.7), (10, 0.85), (30, 0.9), (30, 0.95)):
            result = simulate(scenario(agents, load * 1.0, None, 30))
            theory = erlang_c(agents, load * agents, aht_s=AHT, threshold_s=20.0)
            for metric, value in (
                ("average_speed_of_answer", theory.asa_s),
                ("service_level", theory.service_level),
            ):
                found = result.estimate(TOTAL, metric)
                inside = found.contains(value)
                c_inside += inside
                total += 1
                row(
                    f"Erlang C c={agents} ρ={load}",
                    metric,
                    value,
                    f"{found.low:.4g} – {found.high:.4g}",
                    inside,
                    widths=widths,
                )
        for agents, load, patience in (
            (10, 0.9, 120.0),
            (10, 1.1, 180.0),
            (30, 1.0, 300.0),
            (30, 1.2, 120.0),
        ):
            result = simulate(scenario(agents, load, patience, 30))
            theory = erlang_a(agents, load * agents, aht_s=AHT, patience_s=patience)
            for metric, value in (
                ("abandonment_rate", theory.abandonment_probability),
                ("average_speed_of_answer", theory.asa_s),
            ):
                found = result.estimate(TOTAL, metric)
                inside = found.contains(value)
                a_inside += inside
                total += 1
                row(
                    f"Erlang A c={agents} ρ={load} θ⁻¹={patience:.0f}",
                    metric,
                    value,
                    f"{found.low:.4g} – {found.high:.4g}",
                    inside,
                    widths=widths,
                )
    print(f"{total} checks in {elapsed[0]:.0f} s ({REPLICATIONS} replications of 30 h each)")
    emit(
        {
            "erlang_c_cases_within_ci": c_inside,
            "erlang_a_cases_within_ci": a_inside,
            "cases_total": total,
            "seconds": round(elapsed[0], 1),
        }
    )


if __name__ == "__main__":
    main()
