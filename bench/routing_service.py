"""The router service end to end: contacts created through the API, offers committed,
agents answering and freeing up, contacts beyond capacity waiting for them.

`uv run python -m bench.routing_service [--database-url URL] [--seconds 15] [--clients 8]
[--agents 100] [--handle 8]`

Creates a fresh database (PostgreSQL: a new database on the server of URL, dropped at the
end; default: SQLite in a temporary directory), migrates it, loads `--agents` logged-in
available agents (3 chats each, each with an API token) and one chat queue, starts
`relais serve` (uvicorn with the router in-process, or `relais router` beside it) on
127.0.0.1, waits until the router offers a first contact (then abandoned), and has
`--clients` threads create contacts through the REST API for `--seconds`, as fast as the
server answers. A watcher sees each offer committed (it polls the contacts
every 5 ms, so figures are up to 5 ms late); the agent holding it accepts it through the
API 0.3-1 s later and completes it after an exponential handling time (mean `--handle`
seconds). Created faster than the agents serve them, contacts beyond the agents' capacity
wait in the queue and are offered as agents complete theirs: after the clients stop, the
bench waits for the line to drain (until no offer came for 20 s).

Prints contacts created per second and the time from sending the create request to the
offer being committed, over every contact (a queued one's wait included; one never offered
counts as the time until the bench gave up), over those offered at once, and, for those
that queued (the router wrote `contact.queued`), from the complete request that freed
their agent to their offer.
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench import emit, row
from bench.routing_service_clients import Desks, Watcher, create_contacts, wait_for_router

CHATS_EACH = 3
DRAIN_QUIET_S = 20.0  # the line has drained, or is stuck, when no offer came for this long
DRAIN_MAX_S = 180.0
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


def on_scratch_database(database_url: str | None, run: Callable[[], None]) -> None:
    """`run()` with Django on a fresh database: a new one on the PostgreSQL server of
    `database_url` (dropped after), else SQLite in a temporary directory."""
    dropped = None
    with tempfile.TemporaryDirectory() as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        if url.startswith("postgres"):
            url, dropped = _create_pg_database(url)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.config.settings")
        try:
            run()
        finally:
            if dropped is not None and database_url:
                from django.db import connections

                connections.close_all()
                _drop_pg_database(database_url, dropped)


DESKS_PROCESS = "bench:desks"


def _keep_desks_alive(stop: threading.Event) -> None:
    """The bench's agents' desktops stay connected: their leases seen every 2 s."""
    from django.db import connection

    from relais.apps.realtime.services import leases_heartbeat

    try:
        while not stop.wait(2.0):
            leases_heartbeat(process=DESKS_PROCESS)
    finally:
        connection.close()


def _setup(database_url: str, agents_count: int) -> tuple[str, dict[int, str]]:
    """Migrate and load the agents and the queue; returns an administrator's API token and
    each agent's (by agent id)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from relais.apps.accounts.models import ApiToken, Role, User, hash_token
    from relais.apps.interactions.models import AgentPresence, PresenceState
    from relais.apps.organisation.models import Agent, Employment, Site
    from relais.apps.realtime.models import Connection, LeaseKind
    from relais.apps.routing.models import OverflowStep, Queue

    call_command("migrate", verbosity=0)
    site = Site.objects.create(name="Bench", kind="inshore", country="FR", time_zone="Europe/Paris")
    users = User.objects.bulk_create(
        User(username=f"agent{i}", role=Role.AGENT, password=UNUSABLE) for i in range(agents_count)
    )
    agents = Agent.objects.bulk_create(
        Agent(user=user, site=site, employment=Employment.INTERNAL, capacity_chat=CHATS_EACH)
        for user in users
    )
    tokens = {agent.pk: ApiToken.generate() for agent in agents}
    ApiToken.objects.bulk_create(
        ApiToken(user=agent.user, name="bench", prefix=raw[:12], digest=hash_token(raw))
        for agent, raw in zip(agents, tokens.values(), strict=True)
    )
    now = timezone.now()
    AgentPresence.objects.bulk_create(
        AgentPresence(agent=agent, state=PresenceState.AVAILABLE, since=now, idle_since=now)
        for agent in agents
    )
    # Each agent's desktop is connected (docs/presence.md): its lease, kept alive by the
    # bench's heartbeat (`_keep_desks_alive`) as a web process keeps its connections'.
    Connection.objects.bulk_create(
        Connection(
            kind=LeaseKind.DESK,
            subject_id=agent.pk,
            channel_name=f"bench-desk-{agent.pk}",
            process=DESKS_PROCESS,
            opened_at=now,
            seen_at=now,
        )
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
    return raw, tokens


def _start_server(
    database_url: str, port: int, data_dir: str, *, separate_router: bool
) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": database_url, "RELAIS_DATA_DIR": data_dir}
    env["RELAIS_LOG_LEVEL"] = "WARNING"
    env.setdefault("RELAIS_SECRET_KEY", secrets.token_urlsafe(50))  # `relais serve` needs one
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


def _queued(contact_ids: list[int]) -> set[int]:
    """The contacts the router put in the line (no free agent when they arrived)."""
    from relais.apps.interactions.models import ContactEvent, EventKind

    events = ContactEvent.objects.filter(kind=EventKind.CONTACT_QUEUED, contact_id__in=contact_ids)
    return set(events.values_list("contact_id", flat=True))


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--redis-url", default="", help="the servers' channel layer (default: in-memory)"
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8, help="threads creating contacts")
    parser.add_argument("--agents", type=int, default=100, help=f"{CHATS_EACH} chats each")
    parser.add_argument("--handle", type=float, default=8.0, help="mean handling time (s)")
    parser.add_argument("--desks", type=int, default=4, help="threads accepting and completing")
    parser.add_argument(
        "--router",
        choices=["separate", "in-process"],
        default="",
        help="a `relais router` process beside `relais serve --no-router` (default on "
        "PostgreSQL), or the router inside `relais serve` (default, and the only way, on SQLite)",
    )
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
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
    desks_alive = threading.Event()  # set: the heartbeat of the agents' desktops stops
    try:
        token, tokens = _setup(database_url, args.agents)
        heartbeat = threading.Thread(target=_keep_desks_alive, args=(desks_alive,), daemon=True)
        heartbeat.start()
        capacity = args.agents * CHATS_EACH
        row("setup", f"{args.agents} agents, {vendor}", f"{time.perf_counter() - started:.1f} s")
        port = _free_port()
        servers = _start_server(database_url, port, data_dir, separate_router=separate)
        row("router ready", f"in {wait_for_router(port, token):.1f} s")
        # The bench's own threads keep many objects alive at once, so its collector runs
        # full passes often: keep Django's and httpx's objects out of them (docs/router.md).
        gc.collect()
        gc.freeze()
        desks = Desks(port, tokens, args.handle, args.desks)
        desks.start()
        watcher = Watcher(desks)
        watcher.start()
        begin = time.perf_counter()
        until = begin + args.seconds
        threads = [
            threading.Thread(target=create_contacts, args=(port, token, until, watcher))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - begin
        row("created", len(watcher.sent), f"waiting {len(watcher.pending)}", f"{elapsed:.1f} s")
        drained = time.perf_counter()
        while watcher.pending and time.perf_counter() - drained < DRAIN_MAX_S:
            if time.perf_counter() - watcher.last_offer > DRAIN_QUIET_S:
                break
            time.sleep(0.05)
        gave_up = time.perf_counter()
        row("drained", f"in {gave_up - drained:.1f} s", f"never offered {len(watcher.pending)}")
        watcher.stop.set()
        desks.stop.set()
        watcher.join(5)
        queued = _queued(list(watcher.sent))
        from django.db import connections

        connections.close_all()
    finally:
        desks_alive.set()
        for server in servers:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        if dropped:
            _drop_pg_database(*dropped)
    created = len(watcher.sent)
    rate = created / elapsed if elapsed else 0.0
    offered = watcher.offered
    # a contact never offered counts as the wait until the bench gave up
    every = sorted(
        offered[pk][0] - sent if pk in offered else gave_up - sent
        for pk, sent in watcher.sent.items()
    )
    at_once = sorted(offered[pk][0] - watcher.sent[pk] for pk in offered if pk not in queued)
    freed = []
    for pk in queued & offered.keys():
        seen_at, agent = offered[pk]
        before = [t for t in desks.completes.get(agent, ()) if t < seen_at]
        if before:
            freed.append(seen_at - max(before))
    freed.sort()
    row("database", "router", "agents", "capacity", "contacts", "contacts/s", "queued", "never")
    row(
        vendor,
        "separate" if separate else "in-process",
        args.agents,
        capacity,
        created,
        rate,
        len(queued),
        len(watcher.pending),
    )
    row("create to offer", "p50 ms", "p99 ms")
    row("every contact", _pct(every, 0.5), _pct(every, 0.99))
    row("offered at once", _pct(at_once, 0.5), _pct(at_once, 0.99))
    row("queued: freed to offer", _pct(freed, 0.5), _pct(freed, 0.99))
    requests = sorted(watcher.requests)
    row("create request alone", _pct(requests, 0.5), _pct(requests, 0.99))
    if desks.errors:
        row("desk errors", desks.errors)
    emit(
        {
            "contacts_per_s": round(rate, 1),
            "p99_create_to_offer_ms": round(_pct(every, 0.99), 1),
            "p50_create_to_offer_ms": round(_pct(every, 0.5), 1),
            "p99_at_once_ms": round(_pct(at_once, 0.99), 1),
            "p50_at_once_ms": round(_pct(at_once, 0.5), 1),
            "p99_freed_to_offer_ms": round(_pct(freed, 0.99), 1),
            "p50_freed_to_offer_ms": round(_pct(freed, 0.5), 1),
            "p99_create_request_ms": round(_pct(requests, 0.99), 1),
            "contacts": created,
            "queued": len(queued),
            "not_offered": len(watcher.pending),
            "completed": sum(len(times) for times in desks.completes.values()),
            "desk_errors": sum(desks.errors.values()),
            "agents": args.agents,
            "capacity": capacity,
            "handle_s": args.handle,
            "database": vendor,
            "router": "separate" if separate else "in-process",
            "clients": args.clients,
        }
    )


if __name__ == "__main__":
    main()
