"""Routing engine alone, one core: decisions per second and latency per event.

    uv run python -m bench.routing_engine --agents 10000 --queues 200 --skills 30

A virtual-clock workload (`bench/routing_workload.py`) drives `RoutingEngine`: Poisson
arrivals spread over the queues in proportion to their staff, offers accepted after a few
seconds (some rejected or left to time out), exponential handling, customers abandoning,
agents taking breaks, and every wake-up the engine asks for. Every draw is made once into
a script, so that another router can play exactly the same customers and agents. Each call
is timed. Three runs:

- default: arrivals at `--load` (0.85) of what the agents can serve;
- the naive baseline (scan every agent for each contact, every waiting contact for each
  freed agent) on the first `--naive-contacts` of the same script, and the engine again on
  that same prefix, so that the ratio compares like with like;
- hot queues, scarce agents: arrivals at `--hot-load` (1.2) of what the agents can serve,
  with the queues that overflow after a wait (30 s / 90 s, 60 s) taking `--hot-weight`
  times their share: lines grow until customers abandon, and a share of contacts waits
  long enough for every overflow step of their queue to fire.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import random
import time

from bench import emit, row
from bench.routing_naive import NaiveRouter
from bench.routing_workload import (
    SITES,
    START,
    Script,
    build_agents,
    build_config,
    make_script,
    play,
    timed_steps,
)
from relais.core.clock import VirtualClock
from relais.core.routing import AgentProfile, QueueConfig, RoutingEngine

WIDTHS = (26, 12, 9, 9, 9, 9, 9, 11)


def fresh_engine(
    configs: list[QueueConfig], profiles: list[AgentProfile], seed: int
) -> tuple[RoutingEngine, VirtualClock, float]:
    """An engine with every agent logged in; returns it, its clock, and the setup seconds.
    The previous run's garbage is collected first, so that no run pays for another's."""
    gc.collect()
    clock = VirtualClock(START)
    built = time.perf_counter()
    engine = RoutingEngine(clock, sites=SITES, queues=configs, seed=seed)
    for profile in profiles:
        engine.add_agent(profile)
    for profile in profiles:
        engine.login(profile.agent_id)
    setup_s = time.perf_counter() - built
    return engine, clock, setup_s


def show(name: str, figures: dict[str, float]) -> None:
    row(
        name,
        figures["decisions_per_s"],
        int(figures["contacts"]),
        int(figures["events"]),
        figures["p50_ms"],
        figures["p99_ms"],
        figures["max_ms"],
        f"{100 * figures['queued_share']:.1f} %",
        widths=WIDTHS,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--queues", type=int, default=200)
    parser.add_argument("--skills", type=int, default=30)
    parser.add_argument("--contacts", type=int, default=60_000)
    parser.add_argument("--naive-contacts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--load",
        type=float,
        default=0.85,
        help="arrival rate as a share of agents / 240 s (0.85: about 8 %% of contacts queue)",
    )
    parser.add_argument("--hot-contacts", type=int, default=60_000)
    parser.add_argument("--hot-load", type=float, default=1.2)
    parser.add_argument(
        "--hot-weight",
        type=float,
        default=3.0,
        help="how many times their share the queues that overflow after a wait take",
    )
    options = parser.parse_args()

    rng = random.Random(options.seed)
    configs = build_config(options.queues, options.skills, rng)
    profiles = build_agents(options.agents, options.skills, rng)
    deepest = timed_steps(configs)
    agent_ids = [profile.agent_id for profile in profiles]
    print(
        f"routing engine: {options.agents} agents, {options.queues} queues "
        f"({len(deepest)} overflowing after a wait), {options.skills} skills, 6 sites"
    )
    row(
        "router / workload",
        "decisions/s",
        "contacts",
        "events",
        "p50 ms",
        "p99 ms",
        "max ms",
        "queued",
        widths=WIDTHS,
    )

    engine, clock, setup_s = fresh_engine(configs, profiles, options.seed)
    staff = [float(sum(engine.queue_status(c.queue_id).agents_by_state.values())) for c in configs]
    weights = {c.queue_id: max(count, 1.0) ** 1.2 for c, count in zip(configs, staff, strict=True)}
    per_s = options.agents / 240  # what the agents serve at full occupancy, 240 s a contact
    script = make_script(options.contacts, options.load * per_s, weights, agent_ids, options.seed)
    figures = play(engine, clock, script, deepest)
    show(f"relais, load {options.load}", figures)

    prefix = script.prefix(min(options.naive_contacts, options.contacts))
    del engine  # collected before the next run starts
    engine, clock, _ = fresh_engine(configs, profiles, options.seed)
    same = play(engine, clock, prefix, deepest)
    show("relais, naive's prefix", same)
    del engine
    naive_figures = _naive(configs, profiles, prefix, deepest)
    show("naive (scan all), prefix", naive_figures)

    hot_weights = {q: w * (options.hot_weight if q in deepest else 1.0) for q, w in weights.items()}
    hot_script = make_script(
        options.hot_contacts, options.hot_load * per_s, hot_weights, agent_ids, options.seed + 1
    )
    engine, clock, _ = fresh_engine(configs, profiles, options.seed)
    hot = play(engine, clock, hot_script, deepest)
    show(f"relais, hot, load {options.hot_load}", hot)

    print(
        f"per CPU-second of the routing thread: relais {figures['decisions_per_cpu_s']:.0f}, "
        f"hot {hot['decisions_per_cpu_s']:.0f}; on the prefix relais "
        f"{same['decisions_per_cpu_s']:.0f}, naive {naive_figures['decisions_per_cpu_s']:.1f}"
    )
    print(
        f"hot: {hot['overflow_steps_fired']} overflow steps fired; "
        f"{hot['all_steps_fired']} contacts saw every step of their queue fire; "
        f"{100 * hot['queued_share']:.0f} % queued (median wait of those offered "
        f"{hot['queued_wait_p50_s']:.0f} s), {100 * hot['abandoned_share']:.0f} % abandoned"
    )
    print(f"setup (queues, {options.agents} agents, logins): {setup_s:.2f} s")
    emit(
        {
            "decisions_per_s": round(figures["decisions_per_s"]),
            "p50_ms": round(figures["p50_ms"], 4),
            "p99_ms": round(figures["p99_ms"], 4),
            "naive_decisions_per_s": round(naive_figures["decisions_per_s"], 1),
            "hot_decisions_per_s": round(hot["decisions_per_s"]),
            "hot_p99_ms": round(hot["p99_ms"], 4),
            "hot_overflow_steps_fired": int(hot["overflow_steps_fired"]),
            "hot_contacts_all_steps_fired": int(hot["all_steps_fired"]),
            "hot_p50_ms": round(hot["p50_ms"], 4),
            "hot_max_ms": round(hot["max_ms"], 3),
            "hot_queued_share": round(hot["queued_share"], 3),
            "hot_abandoned_share": round(hot["abandoned_share"], 3),
            "hot_contacts": int(hot["contacts"]),
            "decisions_per_cpu_s": round(figures["decisions_per_cpu_s"]),
            "prefix_decisions_per_s": round(same["decisions_per_s"]),
            "naive_decisions_per_cpu_s": round(naive_figures["decisions_per_cpu_s"], 1),
            "speedup_vs_naive": round(
                same["decisions_per_s"] / naive_figures["decisions_per_s"], 1
            ),
            "naive_contacts": int(naive_figures["contacts"]),
            "naive_decisions": int(naive_figures["decisions"]),
            "prefix_decisions": int(same["decisions"]),
            "naive_p99_ms": round(naive_figures["p99_ms"], 3),
            "events_per_s": round(figures["events_per_s"]),
            "events": int(figures["events"]),
            "decisions": int(figures["decisions"]),
            "max_ms": round(figures["max_ms"], 3),
            "queued_share": round(figures["queued_share"], 3),
            "overflow_steps_fired": int(figures["overflow_steps_fired"]),
            "setup_s": round(setup_s, 2),
            "load": options.load,
            "hot_load": options.hot_load,
            "agents": options.agents,
            "queues": options.queues,
            "skills": options.skills,
        }
    )


def _naive(
    configs: list[QueueConfig],
    profiles: list[AgentProfile],
    script: Script,
    deepest: dict[str, int],
) -> dict[str, float]:
    gc.collect()
    clock = VirtualClock(START)
    return play(NaiveRouter(clock, SITES, configs, profiles), clock, script, deepest)


if __name__ == "__main__":
    main()
