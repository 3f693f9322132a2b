"""A day of operation under churn: the demo company's traffic with agents closing their tabs,
reloading and losing their network, customers leaving without a word, and a restart of the
web server in the middle; on PostgreSQL and Redis, two web processes and a separate router.

    uv run python -m bench.day_churn --seconds 120 \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres --redis-url redis://127.0.0.1:6379/0

A scratch database is created on the server of `--database-url` (dropped at the end), the demo
company is loaded, `relais serve --workers 2 --no-router` and `relais router` start, and
`relais traffic --churn` runs against them for `--seconds`; at `--restart-at` seconds the web
server is stopped (SIGTERM) and started again. After the traffic ends, the bench waits for the
customers' and agents' graces, then reads the record:

- `offers_to_absent_agents`: offers made to an agent more than `--tolerance` seconds (1 s: the
  time for the record to hear of a closed connection) after the agent's last desktop connection
  ended (closed, aborted, or cut by the restart), and before one was open again; the bots'
  own log says when (the client's truth, not the server's);
- `zombie_contacts_at_end`: contacts still waiting (created, queued, offered) once every
  customer has gone and the graces have passed, plus conversations held by an agent who is
  out of routing;
- `lost_messages`: messages the server acknowledged to a customer that are not in the record,
  and messages left (leave-message answered 201) without their contact;
- `customers_abandoned_by_liveness`: contacts abandoned with reason `customer_left`;
- `p99_offer_ms`: from a chat's creation to its first offer (a chat never offered counts as
  its whole wait, until it was abandoned or the run ended).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import NO_CHAT_LIMITS
from bench.chat_load_server import drop_postgres, free_port, load_average, scratch_postgres

CUSTOMER_GRACE_S = 20  # the demo queues' grace, shortened so the bench sees it act
AGENT_GRACE_S = 20


def row(*cells: object) -> None:
    print("".join(f"{cell!s:>24}" for cell in cells), flush=True)


def _environment(database_url: str, redis_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RELAIS_DATA_DIR": data_dir,
        "RELAIS_AGENT_GRACE_S": str(AGENT_GRACE_S),
        "RELAIS_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
        # one key for every process (`relais serve` refuses to start without one)
        "RELAIS_SECRET_KEY": os.environ.get("RELAIS_SECRET_KEY") or secrets.token_urlsafe(50),
        **NO_CHAT_LIMITS,
    }


def _relais(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "relais.cli", *arguments]


def _prepare(env: dict[str, str]) -> None:
    """The demo company, its queues' customer grace shortened."""
    subprocess.run(_relais("demo"), env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "import django; django.setup()\n"
        "from relais.apps.routing.models import Queue\n"
        f"Queue.objects.update(customer_grace_seconds={CUSTOMER_GRACE_S})\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


class Servers:
    """`relais serve --workers 2 --no-router` and `relais router`; the web server restarts."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.port = port
        self.web: subprocess.Popen[bytes] | None = None
        self.router: subprocess.Popen[bytes] | None = None
        self.restarts: list[tuple[float, float]] = []  # (stopped at, answering again at)

    def _quiet(self) -> dict[str, Any]:
        return {"env": self.env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

    def start_web(self) -> None:
        serve = _relais("serve", "--port", str(self.port), "--workers", "2", "--no-router")
        self.web = subprocess.Popen(serve, **self._quiet())
        self._wait_answering()

    def start(self) -> None:
        self.router = subprocess.Popen(_relais("router"), **self._quiet())
        self.start_web()

    def _wait_answering(self, timeout: float = 60.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/chat/config", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the web server did not start")

    def restart_web(self) -> None:
        assert self.web is not None
        stopped = time.time()
        self.web.send_signal(signal.SIGTERM)
        try:
            self.web.wait(30)
        except subprocess.TimeoutExpired:
            self.web.kill()
            self.web.wait(5)
        self.start_web()
        self.restarts.append((stopped, time.time()))

    def stop(self) -> None:
        for process in (self.web, self.router):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def absent_intervals(report: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    """Per bot account: when it had no desktop connection, from its own log."""
    intervals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for username, gone, back in report.get("absences", []):
        intervals[username].append((float(gone), float("inf") if back is None else float(back)))
    return intervals


def measure(
    database_url: str, report: dict[str, Any], ended: float, tolerance: float, began: float = 0.0
) -> dict[str, Any]:
    """The figures, read from the record after the run."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        accounts = dict(
            conn.execute(
                'SELECT a."id", u."username" FROM "organisation_agent" a '
                'JOIN "accounts_user" u ON u."id" = a."user_id"'
            ).fetchall()
        )
        offers = conn.execute(
            'SELECT "agent_id", extract(epoch from "at"), "contact_id" '
            'FROM "interactions_contactevent" WHERE "kind" = %s',
            ["offer.made"],
        ).fetchall()
        zombies = conn.execute(  # left messages and callbacks wait for agents, rightly
            'SELECT "id", "channel", "state", "agent_id" FROM "interactions_contact" '
            "WHERE \"state\" IN ('created', 'queued', 'offered') "
            "AND \"channel\" NOT IN ('email', 'callback')"
        ).fetchall()
        waiting = len(zombies)
        held_by_absent = conn.execute(
            'SELECT count(*) FROM "interactions_contact" c '
            'LEFT JOIN "interactions_agentpresence" p ON p."agent_id" = c."agent_id" '
            "WHERE c.\"state\" IN ('accepted', 'wrap_up') "
            "AND (p.\"state\" IS NULL OR p.\"state\" IN ('offline', 'disconnected'))"
        ).fetchone()[0]
        stored = {
            client_id
            for (client_id,) in conn.execute(
                'SELECT "client_id" FROM "chat_chatmessage" WHERE "sender" = %s '
                "AND \"client_id\" <> ''",
                ["customer"],
            ).fetchall()
        }
        left_emails = {
            email
            for (email,) in conn.execute(
                'SELECT "attributes"->>\'email\' FROM "interactions_contact" '
                "WHERE \"channel\" = 'email'"
            ).fetchall()
        }
        left = conn.execute(
            'SELECT c."id", extract(epoch from c."created_at"), '
            'extract(epoch from c."abandoned_at"), '
            '(SELECT count(*) FROM "realtime_connection" r WHERE r."kind" = %s '
            'AND r."subject_id" = c."id") '
            'FROM "interactions_contact" c WHERE c."close_reason" = %s',
            ["chat", "customer_left"],
        ).fetchall()
        liveness = len(left)
        chats = conn.execute(
            'SELECT c."id", extract(epoch from c."created_at"), '
            'extract(epoch from c."abandoned_at"), '
            '(SELECT extract(epoch from min(e."at")) FROM "interactions_contactevent" e '
            'WHERE e."contact_id" = c."id" AND e."kind" = \'offer.made\') '
            'FROM "interactions_contact" c WHERE c."channel" = \'chat\''
        ).fetchall()
    absences = absent_intervals(report)
    to_absent = []
    for agent_id, at, contact_id in offers:
        username = accounts.get(agent_id, "")
        for gone, back in absences.get(username, []):
            if gone + tolerance < float(at) < back:
                to_absent.append(
                    (
                        username,
                        contact_id,
                        round(float(at) - began, 1),
                        round(gone - began, 1),
                        round(back - began, 1) if back != float("inf") else None,
                    )
                )
                break
    waits = []
    for _, created, abandoned, offered in chats:
        if offered is not None:
            waits.append((float(offered) - float(created)) * 1000)
        else:
            until = float(abandoned) if abandoned is not None else ended
            waits.append(max(0.0, until - float(created)) * 1000)
    lost = len(set(report.get("acked_client_ids", [])) - stored)
    lost += len(set(report.get("left_message_emails", [])) - left_emails)
    return {
        "offers_to_absent_agents": len(to_absent),
        "zombie_contacts_at_end": int(waiting) + int(held_by_absent),
        "lost_messages": lost,
        "customers_abandoned_by_liveness": int(liveness),
        "p99_offer_ms": round(_percentile(waits, 0.99), 1),
        "p50_offer_ms": round(_percentile(waits, 0.50), 1),
        "chats": len(chats),
        "offers": len(offers),
        "absences": sum(len(v) for v in absences.values()),
        "customers_acknowledged_messages": len(report.get("acked_client_ids", [])),
        "messages_left": len(report.get("left_message_emails", [])),
        "absent_offer_examples": to_absent[:5],
        "zombie_examples": [list(z) for z in zombies[:5]],
        "churn_events": report.get("events", {}),
        "liveness_examples": [
            [pk, round(float(c) - began, 1), round(float(a) - began, 1), n]
            for pk, c, a, n in left[:8]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--speed", type=float, default=1.0, help="the demo day's pace")
    parser.add_argument(
        "--rate", type=float, default=8.0, help="multiplies the demo queues' peak rates"
    )
    parser.add_argument("--restart-at", type=float, default=None, help="default: half way")
    parser.add_argument("--tolerance", type=float, default=1.0)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench.day_churn runs on PostgreSQL (--database-url postgres://…)")
    restart_at = args.seconds / 2 if args.restart_at is None else args.restart_at
    database_url, name = scratch_postgres(args.database_url)
    servers: Servers | None = None
    with tempfile.TemporaryDirectory() as data_dir:
        env = _environment(database_url, args.redis_url, data_dir)
        try:
            row("database", name)
            _prepare(env)
            servers = Servers(env, free_port())
            servers.start()
            report_path = Path(data_dir) / "churn.json"
            began = time.time()
            traffic = subprocess.Popen(
                _relais(
                    "traffic",
                    "--url",
                    f"http://127.0.0.1:{servers.port}",
                    "--seconds",
                    str(args.seconds),
                    "--speed",
                    str(args.speed),
                    "--rate",
                    str(args.rate),
                    "--flat",
                    "--people-share",
                    "0",  # the bots staff for the whole traffic: waits measure the system
                    "--churn",
                    "--churn-report",
                    str(report_path),
                ),
                env=env,
            )
            time.sleep(max(0.0, began + restart_at - time.time()))
            row("restart", f"at {time.time() - began:.0f} s", f"load {load_average()}")
            servers.restart_web()
            row("restarted", f"in {servers.restarts[-1][1] - servers.restarts[-1][0]:.1f} s")
            traffic.wait(args.seconds + 300)
            ended = time.time()
            settle = max(CUSTOMER_GRACE_S, AGENT_GRACE_S) + 10
            row("traffic ended", f"{ended - began:.0f} s", f"settling {settle} s")
            time.sleep(settle)
            report = json.loads(report_path.read_text()) if report_path.exists() else {}
            figures = measure(database_url, report, ended, args.tolerance, began)
            for key, value in figures.items():
                row(key, value)
            figures["load_average"] = load_average()
            figures["seconds"] = args.seconds
            print(json.dumps(figures))
        finally:
            if servers is not None:
                servers.stop()
            drop_postgres(args.database_url, name)


if __name__ == "__main__":
    main()
