"""A partner's monthly statement over a large month, and computing it again.

`uv run python -m bench.statement --database-url postgres://… [--agents 300]
[--contacts 1000000] [--state-changes 2000000]`

Creates a fresh database (PostgreSQL: a new database on the server of URL, dropped at the
end; without URL: SQLite in a temporary directory), migrates it and writes, by COPY
(`relais.apps.rows.write_many`), one month of a partner with `--agents` agents: handled
contacts on two queues (a customer pool, so that some come back within the clawback
window) and the agents' state changes (available, busy, wrap-up, breaks). The partner's
contract prices hours, handled and resolved contacts with tiers and has a service-level
target per day. On PostgreSQL the tables are then analysed (as autovacuum does after a bulk
load: without statistics the agents' hours are read through a slower plan). It times
`statement_compute` (read the log, evaluate, store lines and their basis; wall time, and the
CPU time of this process and its PostgreSQL backend), then computes the month again and
checks that nothing changed. Target: `statement_s` <= 30 for 300
agents, 1 million contacts, 2 million state changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import emit, row, stopwatch
from bench.routing_service import on_scratch_database

UNUSABLE = "!"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONTH = dt.date(2026, 3, 1)
TERMS: dict[str, Any] = {
    "currency": "EUR",
    "activities": [
        {
            "code": "orders",
            "queues": ["orders", "returns"],
            "hourly": {"price": "18.50", "break_allowance_minutes": 5, "training_price": "12"},
            "per_handled": {"tiers": [{"up_to": 500_000, "price": "0.40"}, {"price": "0.30"}]},
            "per_resolved": {
                "mode": "volume",
                "tiers": [{"up_to": 100_000, "price": "0.50"}, {"price": "0.45"}],
            },
            "clawback_days": 7,
            "targets": [
                {
                    "kpi": "service_level",
                    "per": "day",
                    "threshold_seconds": 20,
                    "bands": [{"at_least": 0.8, "amount": "200"}, {"below": 0.8, "amount": "-500"}],
                    "penalty_cap": "5000",
                }
            ],
        }
    ],
}


def _organisation(agents: int) -> dict[str, Any]:
    from relais.apps.accounts.models import Role, User
    from relais.apps.contracts.models import Contract, ContractVersion
    from relais.apps.organisation.models import Agent, Employment, Partner, Site, Team
    from relais.apps.routing.models import Queue

    partner = Partner.objects.create(name="Atlas Contact", country="MA")
    site = Site.objects.create(
        name="Rabat", kind="offshore", country="MA", time_zone="Africa/Casablanca", partner=partner
    )
    users = User.objects.bulk_create(
        User(username=f"agent{i}", role=Role.AGENT, password=UNUSABLE) for i in range(agents)
    )
    teams = [Team.objects.create(name=f"Team {i}", site=site) for i in range(max(1, agents // 20))]
    Agent.objects.bulk_create(
        Agent(user=user, site=site, team=teams[i % len(teams)], employment=Employment.PARTNER)
        for i, user in enumerate(users)
    )
    queues = [
        Queue.objects.create(code=code, name_fr=code, name_en=code, channel="chat")
        for code in ("orders", "returns")
    ]
    contract = Contract.objects.create(partner=partner, reference="ATLAS", starts_on=MONTH)
    ContractVersion.objects.create(
        contract=contract,
        number=1,
        valid_from=MONTH,
        terms=TERMS,
        created_at=dt.datetime(2026, 1, 1, tzinfo=PARIS),
    )
    director = User.objects.create(username="director", role=Role.DIRECTOR, password=UNUSABLE)
    return {
        "agents": list(Agent.objects.order_by("pk").values_list("pk", flat=True)),
        "site": site,
        "queues": queues,
        "contract": contract,
        "director": director,
    }


def _contacts(count: int, world: dict[str, Any], rng: random.Random) -> Iterator[dict[str, Any]]:
    agents, queues, site = world["agents"], world["queues"], world["site"]
    start = dt.datetime.combine(MONTH, dt.time(0), tzinfo=PARIS).astimezone(dt.UTC)
    seconds = 31 * 86400
    customers = max(count // 2, 1)
    for _ in range(count):
        created = start + dt.timedelta(seconds=rng.random() * seconds)
        accepted = created + dt.timedelta(seconds=rng.expovariate(1 / 25))
        wrap = accepted + dt.timedelta(seconds=rng.uniform(120, 500))
        closed = wrap + dt.timedelta(seconds=rng.uniform(5, 60))
        yield {
            "channel": "chat",
            "queue_id": rng.choice(queues).pk,
            "priority": 0,
            "customer_key": f"id:{rng.randrange(customers)}",
            "attributes": {},
            "state": "closed",
            "close_reason": "handled",
            "created_at": created,
            "queued_at": created,
            "accepted_at": accepted,
            "wrap_up_at": wrap,
            "closed_at": closed,
            "agent_id": rng.choice(agents),
            "site_id": site.pk,
            "partner_id": site.partner_id,
        }


STATES = (("available", None), ("busy", None), ("wrap_up", None), ("available", None))
BREAKS = (("break", "lunch"), ("break", "training"), ("break", "technical_incident"))


def _state_changes(
    count: int, world: dict[str, Any], rng: random.Random
) -> Iterator[dict[str, Any]]:
    agents = world["agents"]
    per_agent_day = max(2, count // (len(agents) * 31))
    for day in range(31):
        day_of = MONTH + dt.timedelta(days=day)
        opens = dt.datetime.combine(day_of, dt.time(8), tzinfo=PARIS).astimezone(dt.UTC)
        step = 9 * 3600 / per_agent_day
        for agent in agents:
            for index in range(per_agent_day):
                at = opens + dt.timedelta(seconds=index * step + rng.uniform(0, step / 2))
                if index == per_agent_day - 1:
                    state, reason = "offline", None
                elif rng.random() < 0.03:
                    state, reason = rng.choice(BREAKS)
                else:
                    state, reason = STATES[index % len(STATES)]
                yield {
                    "at": at,
                    "kind": "agent.state_changed",
                    "by_router": True,
                    "agent_id": agent,
                    "data": {"state": state, "reason": reason},
                }


def _fill(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from relais.apps.interactions.models import Contact, ContactEvent
    from relais.apps.rows import write_many

    rng = random.Random(21)
    world = _organisation(args.agents)
    world["contacts"] = write_many(Contact, _contacts(args.contacts, world, rng))
    world["state_changes"] = write_many(
        ContactEvent, _state_changes(args.state_changes, world, rng)
    )
    if connection.vendor == "postgresql":  # what autovacuum does after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process (every thread) and, on a PostgreSQL server of
    this machine, by this connection's backend (its parallel workers are not counted): a
    figure the other work of a shared machine does not inflate as it does wall time."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor != "postgresql":
        return used
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return used
    return used + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--state-changes", type=int, default=2_000_000)
    args = parser.parse_args()
    on_scratch_database(args.database_url, lambda: _run(args))


def _run(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from relais.apps.contracts.services import statement_compute

    with stopwatch() as filling:
        world = _fill(args)
    print(
        f"{world['contacts']} contacts, {world['state_changes']} state changes written "
        f"in {filling[0]:.1f} s",
        flush=True,
    )
    as_of = dt.datetime(2026, 4, 20, tzinfo=PARIS)
    cpu = _cpu_seconds()
    with stopwatch() as first:
        statement = statement_compute(
            actor=world["director"], contract=world["contract"], month=MONTH, as_of=as_of
        )
    cpu = _cpu_seconds() - cpu
    with stopwatch() as second:
        again = statement_compute(
            actor=world["director"], contract=world["contract"], month=MONTH, as_of=as_of
        )
    identical = (again.pk, again.revision, again.digest, again.total) == (
        statement.pk,
        statement.revision,
        statement.digest,
        statement.total,
    )
    row("measure", "value", widths=(28, 16))
    row("statement_s", first[0], widths=(28, 16))
    row("statement_cpu_s", cpu, widths=(28, 16))
    row("recompute_s", second[0], widths=(28, 16))
    row("lines", statement.lines.count(), widths=(28, 16))
    row("total", str(statement.total), widths=(28, 16))
    row("recompute_identical", str(identical), widths=(28, 16))
    emit(
        {
            "statement_s": round(first[0], 2),
            "statement_cpu_s": round(cpu, 2),
            "recompute_s": round(second[0], 2),
            "recompute_identical": identical,
            "contacts": world["contacts"],
            "state_changes": world["state_changes"],
            "total": str(statement.total),
        }
    )


if __name__ == "__main__":
    main()
