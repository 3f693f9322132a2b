"""The router service end to end: contacts created through the API, offers committed.

`uv run python -m bench.routing_service [--database-url URL] [--seconds 15] [--clients 8]`

Creates a fresh database (PostgreSQL: a new database on the server of URL, dropped at the
end; default: SQLite in a temporary directory), migrates it, loads 1,000 logged-in
available agents (3 chats each) and one chat queue, starts `relais serve` (uvicorn with
the router in-process) on 127.0.0.1, and has `--clients` threads create contacts through
the REST API for `--seconds`. A watcher sees each offer committed (it polls the contacts
every 5 ms, so figures are up to 5 ms late). Prints contacts created per second and the
time from sending the create request to the offer being committed.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench import emit, row

AGENTS = 1000
MAX_CONTACTS = 2900
UNUSABLE = "!"  # an unusable password hash: nobody logs in


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _create_pg_database(url: str) -> tuple[str, str]:
    import psycopg

    name = f"relais_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{name}")), name


def _drop_pg_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _setup(database_url: str) -> str:
    """Migrate and load the agents and the queue; returns an administrator's API token."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from relais.apps.accounts.models import ApiToken, Role, User, hash_token
    from relais.apps.interactions.models import AgentPresence, PresenceState
    from relais.apps.organisation.models import Agent, Employment, Site
    from relais.apps.routing.models import OverflowStep, Queue

    call_command("migrate", verbosity=0)
    site = Site.objects.create(name="Bench", kind="inshore", country="FR", time_zone="Europe/Paris")
    users = User.objects.bulk_create(
        User(username=f"agent{i}", role=Role.AGENT, password=UNUSABLE) for i in range(AGENTS)
    )
    agents = Agent.objects.bulk_create(
        Agent(user=user, site=site, employment=Employment.INTERNAL, capacity_chat=3)
        for user in users
    )
    now = timezone.now()
    AgentPresence.objects.bulk_create(
        AgentPresence(agent=agent, state=PresenceState.AVAILABLE, since=now, idle_since=now)
        for agent in agents
    )
    queue = Queue.objects.create(
        code="bench", name_fr="Banc", name_en="Bench", channel="chat", offer_timeout_seconds=600
    )
    OverflowStep.objects.create(queue=queue, order=0)
    admin = User.objects.create(username="admin", role=Role.ADMINISTRATOR, password=UNUSABLE)
    raw = ApiToken.generate()
    ApiToken.objects.create(user=admin, name="bench", prefix=raw[:12], digest=hash_token(raw))
    from django.db import connections

    connections.close_all()
    return raw


def _start_server(
    database_url: str, port: int, data_dir: str, *, separate_router: bool
) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": database_url, "RELAIS_DATA_DIR": data_dir}
    env["RELAIS_LOG_LEVEL"] = "WARNING"
    serve = [sys.executable, "-m", "relais.cli", "serve", "--port", str(port)]
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([*serve, "--no-router"] if separate_router else serve, **quiet)]  # type: ignore[call-overload]
    if separate_router:
        router = [sys.executable, "-m", "relais.cli", "router", "--poll", "0.05"]
        processes.append(subprocess.Popen(router, **quiet))  # type: ignore[call-overload]
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/queues", timeout=1)
            return processes
        except httpx.HTTPError:
            time.sleep(0.2)
    for process in processes:
        process.kill()
    raise SystemExit("the server did not start")


class Watcher(threading.Thread):
    """Notes when each created contact is first seen offered (committed)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.pending: dict[int, float] = {}  # contact -> request sent at
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def add(self, contact_id: int, sent_at: float) -> None:
        with self.lock:
            self.pending[contact_id] = sent_at

    def run(self) -> None:
        from django.db import connection

        from relais.apps.interactions.models import Contact

        while not self.stop.is_set():
            with self.lock:
                ids = list(self.pending)
            if ids:
                seen = Contact.objects.filter(pk__in=ids, offered_at__isnull=False).values_list(
                    "pk", flat=True
                )
                now = time.perf_counter()
                with self.lock:
                    for pk in seen:
                        self.latencies.append(now - self.pending.pop(pk))
            time.sleep(0.005)
        connection.close()


def _client(port: int, token: str, until: float, watcher: Watcher, counter: list[int]) -> None:
    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    # SessionAuth checks CSRF before the bearer token is tried (see the report): send a
    # matching CSRF cookie and header, as a browser would
    csrf = "b" * 32
    headers = {"Authorization": f"Bearer {token}", "X-CSRFToken": csrf}
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers=headers, cookies={"csrftoken": csrf}
    ) as client:
        while time.perf_counter() < until and counter[0] < MAX_CONTACTS:
            counter[0] += 1
            sent = time.perf_counter()
            response = client.post("/api/v1/contacts", json={"queue": "bench"}, timeout=30)
            if response.status_code == 201:
                watcher.add(response.json()["id"], sent)
            else:
                print(f"refused: {response.status_code} {response.text[:200]}", file=sys.stderr)
                return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--router",
        choices=["separate", "in-process"],
        default="",
        help="a `relais router` process beside `relais serve --no-router` (default on "
        "PostgreSQL), or the router inside `relais serve` (default, and the only way, on SQLite)",
    )
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="relais-bench-")
    database_url = args.database_url or f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
    dropped: tuple[str, str] | None = None
    if database_url.startswith(("postgres://", "postgresql://")):
        bench_url, name = _create_pg_database(database_url)
        dropped, database_url = (database_url, name), bench_url
    vendor = "postgresql" if dropped else "sqlite"
    separate = (args.router or ("separate" if dropped else "in-process")) == "separate"
    if separate and not dropped:
        raise SystemExit("a separate router needs PostgreSQL")
    started = time.perf_counter()
    servers: list[subprocess.Popen[bytes]] = []
    try:
        token = _setup(database_url)
        row("setup", f"{AGENTS} agents, {vendor}", f"{time.perf_counter() - started:.1f} s")
        port = _free_port()
        servers = _start_server(database_url, port, data_dir, separate_router=separate)
        time.sleep(1.0)  # the router's rebuild
        watcher = Watcher()
        watcher.start()
        counter = [0]
        begin = time.perf_counter()
        until = begin + args.seconds
        threads = [
            threading.Thread(target=_client, args=(port, token, until, watcher, counter))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - begin
        created = len(watcher.latencies) + len(watcher.pending)
        deadline = time.perf_counter() + 15
        while watcher.pending and time.perf_counter() < deadline:
            time.sleep(0.05)
        watcher.stop.set()
        latencies = sorted(watcher.latencies)
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        if dropped:
            _drop_pg_database(*dropped)
    rate = created / elapsed if elapsed else 0.0

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
        )

    row(
        "database", "router", "clients", "contacts", "contacts/s", "p50 ms", "p99 ms", "not offered"
    )
    row(
        vendor,
        "separate" if separate else "in-process",
        args.clients,
        created,
        rate,
        pct(0.5),
        pct(0.99),
        len(watcher.pending),
    )
    emit(
        {
            "contacts_per_s": round(rate, 1),
            "p99_create_to_offer_ms": round(pct(0.99), 1),
            "p50_create_to_offer_ms": round(pct(0.5), 1),
            "contacts": created,
            "not_offered": len(watcher.pending),
            "agents": AGENTS,
            "database": vendor,
            "router": "separate" if separate else "in-process",
            "clients": args.clients,
        }
    )


if __name__ == "__main__":
    main()
