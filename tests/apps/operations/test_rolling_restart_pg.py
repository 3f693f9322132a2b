"""An upgrade during opening hours, rehearsed: two web processes behind a proxy and a router
pair on PostgreSQL and Redis, every process restarted in turn under `relais traffic` (demo
company, bots and customers, no calls). Afterwards: no message a customer saw acknowledged is
missing, no contact is stuck, no offer went to an agent without a desktop, and while it ran
every agent in routing had a desktop connected again (README, "Upgrades")."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bench import NO_CHAT_LIMITS
from bench.day_churn import measure
from django.db import connection

from relais.apps.routing.models import Queue
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from tests.apps.operations.proxy import RoundRobinProxy
from tests.apps.operations.services import (
    free_port,
    get_json,
    process_stop,
    redis_server,
    wait_for,
)
from tests.apps.router.test_failover_pg import child_database_url

#: Under 3 minutes on a quiet machine is the aim; a loaded shared one (load average 15) took
#: longer than pytest's default limit, each process taking minutes to start.
pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(1500),
]

GRACE_S = 10  # agents' and customers' graces, short so that the record settles soon
#: Generous: a Relais process starts in a few seconds on a quiet machine, in 45 s or more on
#: a shared one with a load average of 13 (measured 2026-12-07).
STARTUP_S = 300


@pytest.fixture(autouse=True)
def _fast_password_hasher() -> None:
    """The servers check the bots' demo password with their own (default) hashers."""


@dataclass
class Fleet:
    """The processes of one installation; each restarts in place."""

    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    health: dict[str, str] = field(default_factory=dict)  # name -> its readiness URL

    def start(self, name: str, *arguments: str, health_port: int = 0) -> None:
        env = dict(self.env)
        if health_port:
            env["RELAIS_HEALTH_PORT"] = str(health_port)
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "relais.cli", *arguments], env=env, stdout=log, stderr=log
        )

    def ready(self, name: str) -> dict[str, Any] | None:
        status, body = get_json(self.health[name], timeout=30)
        return body if status == 200 else None

    def stop(self, name: str) -> None:
        process_stop(self.processes[name], timeout=60)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def traffic_flowing() -> bool:
    """Agents in routing and customers' messages stored."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT (SELECT count(*) FROM "interactions_agentpresence" WHERE "state" '
            "NOT IN ('offline', 'disconnected')), (SELECT count(*) FROM \"chat_chatmessage\")"
        )
        agents, messages = cursor.fetchone()
    return bool(agents >= 4 and messages >= 5)


def unreachable_agents() -> list[int]:
    """Agents in routing (or dropped out of it by a lost connection) without a live desktop."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT p."agent_id" FROM "interactions_agentpresence" p '
            "WHERE p.\"state\" <> 'offline' AND NOT EXISTS ("
            'SELECT 1 FROM "realtime_connection" c WHERE c."kind" = \'desk\' '
            'AND c."subject_id" = p."agent_id" AND c."closed_at" IS NULL '
            "AND c.\"seen_at\" > now() - interval '15 seconds')"
        )
        return [agent for (agent,) in cursor.fetchall()]


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg)")
    load_demo_company()
    load_demo_queues()
    Queue.objects.update(customer_grace_seconds=GRACE_S)
    with redis_server(tmp_path) as (redis_url, _):
        env = {
            **os.environ,
            "DATABASE_URL": child_database_url(),
            "REDIS_URL": redis_url,  # a Redis of its own: pub/sub channels are server-wide
            "RELAIS_DATA_DIR": str(tmp_path),
            "RELAIS_SECRET_KEY": "rolling-restart-test-key-" + "x" * 40,
            "RELAIS_AGENT_GRACE_S": str(GRACE_S),
            "RELAIS_LOG_LEVEL": "WARNING",
            **NO_CHAT_LIMITS,
        }
        running = Fleet(env, tmp_path)
        try:
            yield running
        finally:
            running.stop_all()
            connection.close()


def test_every_process_restarted_in_turn_under_traffic_loses_nothing(
    fleet: Fleet, tmp_path: Path
) -> None:
    webs = {"web1": free_port(), "web2": free_port()}
    routers = {"router1": free_port(), "router2": free_port()}
    for name, port in webs.items():
        fleet.health[name] = f"http://127.0.0.1:{port}/health/ready"
        fleet.start(name, "serve", "--port", str(port), "--no-router", "--no-stats", "--no-jobs")
    for name, port in routers.items():
        fleet.health[name] = f"http://127.0.0.1:{port}/health/ready"
        fleet.start(name, "router", health_port=port)
    for name in (*webs, *routers):
        wait_for(lambda name=name: fleet.ready(name), timeout=STARTUP_S)
    proxy = RoundRobinProxy(list(webs.values()))
    report_path = tmp_path / "traffic.json"
    began = time.time()
    fleet.start(
        "traffic",
        "traffic",
        "--url",
        f"http://127.0.0.1:{proxy.start()}",
        "--no-calls",
        "--flat",
        "--rate",
        "1.5",
        "--bots",
        "16",
        "--people-share",
        "0",
        "--no-breaks",
        "--churn-report",
        str(report_path),
    )
    try:
        wait_for(traffic_flowing, timeout=STARTUP_S)  # the bots log in, customers chat
        restarted = []
        active = [n for n in routers if fleet.ready(n)["checks"]["router"]["detail"] == "active"]
        order = [*webs, *(n for n in routers if n not in active), *active]
        for name in order:  # web processes one at a time, then the standby, then the active
            fleet.stop(name)
            arguments = (
                ("serve", "--port", str(webs[name]), "--no-router", "--no-stats", "--no-jobs")
                if name in webs
                else ("router",)
            )
            fleet.start(name, *arguments, health_port=routers.get(name, 0))
            wait_for(lambda name=name: fleet.ready(name), timeout=STARTUP_S)
            restarted.append(name)
            # every agent in routing has a desktop connected again before the next restart
            wait_for(lambda: not unreachable_agents(), timeout=GRACE_S + 20)
        detail = sorted(fleet.ready(n)["checks"]["router"]["detail"] for n in routers)
        assert detail == ["active", "standby"]
    finally:
        traffic = fleet.processes["traffic"]
        traffic.send_signal(signal.SIGINT)  # customers give up, bots finish and log out
        traffic.wait(120)
        proxy.stop()
    ended = time.time()
    time.sleep(GRACE_S + 5)  # the graces pass: whatever is still waiting is stuck
    report = json.loads(report_path.read_text())
    figures = measure(child_database_url(), report, ended, tolerance=1.0, began=began)

    assert restarted == order
    assert figures["chats"] > 0
    assert figures["customers_acknowledged_messages"] > 0
    assert figures["lost_messages"] == 0
    assert figures["zombie_contacts_at_end"] == 0, figures["zombie_examples"]
    assert figures["offers_to_absent_agents"] == 0, figures["absent_offer_examples"]
