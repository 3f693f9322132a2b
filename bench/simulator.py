"""Simulator speed beside SimPy and Ciw, on the same M/M/c model, in one run.

    uv run python -m bench.simulator --calls 200000 [--million-contacts 1000000]

M/M/50, AHT 300 s exponential, load 0.9, no abandonment, about `--calls` calls: Relais
runs its full routing engine (auto_accept=True, agent_state_events=False, gc.freeze()
after setup, done by the runner); SimPy with a `Resource`; Ciw with its network. Calls
simulated per second for each (Relais: the simulation loop with per-contact outcomes; the
KPI aggregation through relais.core.kpi is timed apart). Then 1,000,000 contacts over 3
sites, 10 queues with overflow steps and patience (KPIs included), staffed for a service
level of about 0.8 (12 agents per skill group in Lille, 11 in Rabat and Bucharest; with 10
everywhere, as before, the model ran at SL 0.35 and 13 % abandonment, an overloaded centre
no planner would run; the simulator's time per contact is about the same either way:
`--million-staff 10,10,10` reproduces it). Last line: JSON.
"""

from __future__ import annotations

import argparse
import random
import time

import ciw
import simpy

from bench import emit, row, stopwatch
from relais.core.queueing import erlang_c
from relais.core.routing import OverflowStep, QueueConfig, Site, SiteKind, Target
from relais.core.simulation import (
    AgentGroup,
    Exponential,
    QueueSpec,
    Scenario,
    run_replication,
    simulate,
)
from relais.core.simulation.results import summarize_replication

SERVERS, AHT, LOAD = 50, 300.0, 0.9
RATE = LOAD * SERVERS / AHT  # calls per second


def mmc_scenario(calls: int) -> Scenario:
    return Scenario(
        name="M/M/50",
        start=0.0,
        duration_s=calls / RATE,
        interval_s=86400.0,
        replications=1,
        agent_states=False,
        sites=(Site("s"),),
        queues=(QueueSpec(QueueConfig("q"), Exponential(AHT), rate_per_hour=RATE * 3600),),
        agents=(AgentGroup("a", "s", SERVERS),),
    )


def run_relais(calls: int) -> tuple[float, float, float, float]:
    scenario = mmc_scenario(calls)
    with stopwatch() as elapsed:
        outcome = run_replication(scenario, 0)
    with stopwatch() as kpi_time:
        result = summarize_replication(outcome)
    asa = result.metrics(("total", "", None))["average_speed_of_answer"] or 0.0
    return len(outcome.arrivals), elapsed[0], kpi_time[0], asa


def run_simpy(calls: int) -> tuple[int, float, float]:
    rng = random.Random(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=SERVERS)
    waits: list[float] = []

    def customer(env: simpy.Environment) -> object:
        arrived = env.now
        with agents.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / AHT))

    def source(env: simpy.Environment) -> object:
        for _ in range(calls):
            yield env.timeout(rng.expovariate(RATE))
            env.process(customer(env))

    env.process(source(env))
    with stopwatch() as elapsed:
        env.run()
    return len(waits), elapsed[0], sum(waits) / len(waits)


def run_ciw(calls: int) -> tuple[int, float, float]:
    ciw.seed(1)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[SERVERS],
    )
    simulation = ciw.Simulation(network)
    with stopwatch() as elapsed:
        simulation.simulate_until_max_customers(calls, method="Finish")
    records = simulation.get_all_records()
    return len(records), elapsed[0], sum(r.waiting_time for r in records) / len(records)


MILLION_STAFF = (12, 11, 11)  # agents per skill group in Lille, Rabat, Bucharest: SL ~0.8


def million_scenario(contacts: int, staff: tuple[int, ...] = MILLION_STAFF) -> Scenario:
    """3 sites, 10 queues with overflow steps, patience; sized for about `contacts`."""
    sites = (
        Site("lille", SiteKind.INSHORE, None, "Europe/Paris"),
        Site("rabat", SiteKind.OFFSHORE, "atlas", "Africa/Casablanca"),
        Site("bucarest", SiteKind.NEARSHORE, "carpathia", "Europe/Bucharest"),
    )
    queues = []
    for number in range(10):
        steps = (
            OverflowStep(0, Target(internal=True)),
            OverflowStep(20, Target(partners=frozenset({"atlas"}))),
            OverflowStep(60, Target()),
        )
        config = QueueConfig(f"q{number}", skills={f"s{number}": 1}, steps=steps)
        queues.append(
            QueueSpec(config, Exponential(240.0), Exponential(180.0), rate_per_hour=360.0)
        )
    agents = []
    for site, count in zip(sites, staff, strict=True):
        for number in range(10):
            skills = {f"s{number}": 2, f"s{(number + 1) % 10}": 1}
            agents.append(AgentGroup(f"{site.site_id}-{number}", site.site_id, count, skills))
    hours = contacts / (10 * 360.0)
    return Scenario(
        name="1M",
        start=1_767_261_600.0,
        duration_s=hours * 3600,
        interval_s=1800.0,
        replications=1,
        agent_states=False,
        sites=sites,
        queues=tuple(queues),
        agents=tuple(agents),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--million-contacts", type=int, default=1_000_000)
    parser.add_argument(
        "--million-staff",
        default=",".join(map(str, MILLION_STAFF)),
        help="agents per skill group in Lille, Rabat, Bucharest (10,10,10: the overloaded model)",
    )
    options = parser.parse_args()
    theory = erlang_c(SERVERS, LOAD * SERVERS, aht_s=AHT).asa_s
    print(
        f"M/M/{SERVERS}, AHT {AHT:.0f} s, load {LOAD}, ~{options.calls} calls; "
        f"Erlang C ASA {theory:.2f} s"
    )
    widths = (10, 10, 12, 14, 10)
    row("simulator", "calls", "seconds", "calls/s", "ASA s", widths=widths)
    calls, seconds, kpi_seconds, asa = run_relais(options.calls)
    relais_rate = calls / seconds
    row("relais", calls, seconds, f"{relais_rate:,.0f}", asa, widths=widths)
    print(
        f"  (+ KPIs through relais.core.kpi: {kpi_seconds:.2f} s, "
        f"{calls / (seconds + kpi_seconds):,.0f} calls/s with them)"
    )
    simpy_calls, simpy_seconds, simpy_asa = run_simpy(options.calls)
    simpy_rate = simpy_calls / simpy_seconds
    row("simpy", simpy_calls, simpy_seconds, f"{simpy_rate:,.0f}", simpy_asa, widths=widths)
    ciw_calls, ciw_seconds, ciw_asa = run_ciw(options.calls)
    ciw_rate = ciw_calls / ciw_seconds
    row("ciw", ciw_calls, ciw_seconds, f"{ciw_rate:,.0f}", ciw_asa, widths=widths)
    ratios = f"relais / simpy = {relais_rate / simpy_rate:.2f}"
    print(f"{ratios}, relais / ciw = {relais_rate / ciw_rate:.2f}")

    staff = tuple(int(count) for count in options.million_staff.split(","))
    scenario = million_scenario(options.million_contacts, staff)
    cpu_started = time.process_time()
    with stopwatch() as elapsed:
        result = simulate(scenario)
    cpu_seconds = time.process_time() - cpu_started  # the figure without other processes' share
    total = ("total", "", None)
    contacts = result.values(total, "contacts")[0] or 0.0
    print(
        f"{contacts:,.0f} contacts, 3 sites, 10 queues, 3 overflow steps each: "
        f"{elapsed[0]:.1f} s (target < 20 s), SL {result.values(total, 'service_level')[0]:.3f}, "
        f"abandonment {result.values(total, 'abandonment_rate')[0]:.3f}"
    )
    emit(
        {
            "relais_calls_per_s": round(relais_rate),
            "simpy_calls_per_s": round(simpy_rate),
            "ciw_calls_per_s": round(ciw_rate),
            "million_contacts_seconds": round(elapsed[0], 2),
            "million_contacts_cpu_seconds": round(cpu_seconds, 2),
            "relais_with_kpis_calls_per_s": round(calls / (seconds + kpi_seconds)),
            "relais_over_simpy": round(relais_rate / simpy_rate, 2),
            "million_contacts": int(contacts),
            "million_staff": list(staff),
            "million_service_level": round(result.values(total, "service_level")[0] or 0.0, 3),
            "million_abandonment": round(result.values(total, "abandonment_rate")[0] or 0.0, 3),
            "asa_relais_s": round(asa, 2),
            "asa_simpy_s": round(simpy_asa, 2),
            "asa_ciw_s": round(ciw_asa, 2),
            "asa_erlang_c_s": round(theory, 2),
        }
    )


if __name__ == "__main__":
    main()
