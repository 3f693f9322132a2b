"""Web chat under load: real WebSocket agents and customers against `relais serve`.

    uv run python -m bench.chat_load --agents 500 --rate 20 --seconds 120 \
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]

Starts uvicorn with the router in-process (as `relais serve` does) on 127.0.0.1 over a
fresh database (default: a temporary SQLite file; with a PostgreSQL URL, a scratch
database created and dropped on that server). Creates the agents, connects one desktop
WebSocket per agent (available, accepting every offer, answering every message), then opens
`--rate` customer chats per second for `--seconds`: each customer submits the pre-chat form
with a first message, connects, and exchanges three messages each way before leaving; the
agent then wraps up. Prints p50/p99 from the customer's first message (the form is posted)
to the offer reaching the agent's browser, and counts messages lost (acknowledged to their
sender, never shown to the other side) or duplicated (shown twice). Last line: JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import emit, row

ROOT = Path(__file__).resolve().parent.parent
EXCHANGES = 3
DRAIN_S = 30.0


# -- the server's side: a scratch database, seeded, and the server process ----------------


def _scratch_postgres(url: str) -> tuple[str, str]:
    """A new database on the given server; returns its URL and its name."""
    import psycopg

    name = f"relais_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(agents: int) -> None:
    """(In a child process with the bench's environment.) Migrate, create one chat queue
    open to everyone, its topic, `agents` agents and a session for each; print the
    sessions as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from relais.apps.accounts.models import Role, User
    from relais.apps.chat.models import ChatTopic
    from relais.apps.desktop.models import WrapUpReason
    from relais.apps.organisation.models import Agent, Employment, Site, SiteKind
    from relais.apps.routing.models import Channel, OverflowStep, Queue

    call_command("migrate", verbosity=0)
    site = Site.objects.create(
        name="Bench", kind=SiteKind.INSHORE, country="FR", time_zone="Europe/Paris"
    )
    queue = Queue.objects.create(
        code="bench",
        name_fr="Bench",
        name_en="Bench",
        channel=Channel.CHAT,
        offer_timeout_seconds=60,
    )
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)
    ChatTopic.objects.create(code="bench", label_fr="Bench", label_en="Bench", queue=queue)
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    users = User.objects.bulk_create(
        User(username=f"bench{i}", first_name=f"A{i}", role=Role.AGENT, password="!")  # noqa: S106 - unusable
        for i in range(agents)
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("id"))
    Agent.objects.bulk_create(
        Agent(user=user, site=site, employment=Employment.INTERNAL, capacity_chat=3)
        for user in users
    )
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(json.dumps(sessions))


def serve(port: int) -> None:
    import django

    django.setup()
    from relais.apps.routing.runner import serve_with_router

    serve_with_router(host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the clients ------------------------------------------------------------------------------


@dataclass
class Figures:
    offer_ms: list[float] = field(default_factory=list)
    started: dict[str, float] = field(default_factory=dict)  # customer name -> t0
    sent_by_customers: set[str] = field(default_factory=set)  # acknowledged bodies
    sent_by_agents: set[str] = field(default_factory=set)
    seen_by_agents: Counter[str] = field(default_factory=Counter)
    seen_by_customers: Counter[str] = field(default_factory=Counter)
    chats_done: int = 0
    chats_failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)


async def agent_loop(base: str, session: str, figures: Figures, stop: asyncio.Event) -> None:
    import websockets

    uri = base.replace("http", "ws") + "/ws/desktop/"
    headers = {"Cookie": f"sessionid={session}", "Origin": base}
    async with websockets.connect(uri, additional_headers=headers, max_size=2**22) as ws:
        await ws.send(json.dumps({"type": "hello"}))
        await ws.send(json.dumps({"type": "presence", "state": "available"}))
        replies: dict[int, int] = {}

        async def reply(contact_id: int) -> None:
            count = replies.get(contact_id, 0)
            if count >= EXCHANGES:
                return
            replies[contact_id] = count + 1
            body = f"agent:{contact_id}:{count}"
            frame = {"type": "message", "contact_id": contact_id, "client_id": body, "body": body}
            await ws.send(json.dumps(frame))

        seen_ids: set[tuple[int, int]] = set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "offer.made":
                started = figures.started.get(frame["customer_name"])
                if started is not None:
                    figures.offer_ms.append((time.perf_counter() - started) * 1000)
                await ws.send(json.dumps({"type": "accept", "contact_id": frame["contact_id"]}))
            elif kind == "chat.opened":
                chat = frame["chat"]
                for message in chat["messages"]:
                    if message["sender"] == "customer":
                        seen_ids.add((chat["contact_id"], message["id"]))
                        figures.seen_by_agents[message["body"]] += 1
                await reply(chat["contact_id"])
            elif kind == "chat.message":
                message, contact_id = frame["message"], frame["contact_id"]
                if message["sender"] == "customer":
                    if (contact_id, message["id"]) in seen_ids:
                        continue  # the same message twice would show twice: count it
                    seen_ids.add((contact_id, message["id"]))
                    figures.seen_by_agents[message["body"]] += 1
                    await reply(contact_id)
                elif message["event"] == "customer_left":
                    frame = {"type": "wrap_up", "contact_id": contact_id, "reason": "resolved"}
                    await ws.send(json.dumps(frame))
            elif kind == "ack" and frame.get("client_id"):
                figures.sent_by_agents.add(frame["client_id"])
            elif kind == "error":
                figures.errors[frame["code"]] += 1


def _post(url: str, data: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        url, data=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


async def customer(base: str, number: int, figures: Figures, *, measure: bool = True) -> None:
    import websockets

    name = f"customer-{number}" if measure else f"warm-up-{number}"
    first = f"cust:{number}:0"
    if measure:
        figures.started[name] = time.perf_counter()
    answer = await asyncio.to_thread(
        _post,
        f"{base}/chat/start",
        {"topic": "bench", "name": name, "message": first, "client_id": first},
    )
    figures.sent_by_customers.add(first)
    uri = base.replace("http", "ws") + "/ws/chat/"
    async with websockets.connect(uri, additional_headers={"Origin": base}) as ws:
        await ws.send(json.dumps({"type": "hello", "token": answer["token"]}))
        got = 0
        seen: set[int] = set()
        deadline = time.monotonic() + 60
        while got < EXCHANGES and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=5)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            if frame["type"] == "ack":
                figures.sent_by_customers.add(frame["client_id"])
            elif frame["type"] == "message" and frame["message"]["sender"] == "agent":
                message = frame["message"]
                figures.seen_by_customers[message["body"]] += 1
                if message["id"] in seen:
                    continue
                seen.add(message["id"])
                got += 1
                if got < EXCHANGES:
                    body = f"cust:{number}:{got}"
                    await ws.send(json.dumps({"type": "message", "client_id": body, "body": body}))
        if not measure:
            pass
        elif got == EXCHANGES:
            figures.chats_done += 1
        else:
            figures.chats_failed += 1
        await ws.send(json.dumps({"type": "end"}))
        await asyncio.sleep(0.2)


async def drive(base: str, sessions: list[str], rate: float, seconds: float) -> Figures:
    figures = Figures()
    stop = asyncio.Event()
    agents = []
    for index, session in enumerate(sessions):
        agents.append(asyncio.create_task(agent_loop(base, session, figures, stop)))
        if index % 50 == 49:
            await asyncio.sleep(0.2)
    await asyncio.sleep(3)  # everyone logged in and known to the router
    row("agents connected", sum(not task.done() for task in agents))
    # the server's first requests import what Django loads lazily: not measured
    await asyncio.gather(*(customer(base, -n, figures, measure=False) for n in range(1, 4)))
    customers = []
    began = time.perf_counter()
    number = 0
    while time.perf_counter() - began < seconds:
        due = began + number / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        customers.append(asyncio.create_task(customer(base, number, figures)))
        number += 1
        if number % int(max(rate * 10, 1)) == 0:
            row(f"t={time.perf_counter() - began:.0f}s chats", number, len(figures.offer_ms))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*customers, return_exceptions=True), DRAIN_S + 60)
    await asyncio.sleep(1)
    stop.set()
    results = await asyncio.gather(*agents, *customers, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            figures.errors[type(result).__name__] += 1
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0, help="new chats per second")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        return seed(args.seed)
    if args.serve is not None:
        return serve(args.serve)

    workdir = Path(tempfile.mkdtemp(prefix="relais-chat-bench-"))
    scratch: tuple[str, str] | None = None
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if database_url.startswith("postgres"):
        scratch = _scratch_postgres(database_url)
        database_url = scratch[0]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RELAIS_DATA_DIR": str(workdir),
        "RELAIS_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        row("database", "postgresql" if scratch else "sqlite")
        row("channel layer", "redis" if args.redis_url else "in-memory")
        seeded = subprocess.run(
            [sys.executable, "-m", "bench.chat_load", "--seed", str(args.agents)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        sessions = json.loads(seeded.stdout.strip().splitlines()[-1])
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.chat_load", "--serve", str(port)], env=env, cwd=ROOT
        )
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        figures = asyncio.run(drive(base, sessions, args.rate, args.seconds))
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(10)
            if server.poll() is None:
                server.kill()
        if scratch is not None:
            _drop_postgres(args.database_url, scratch[1])

    lost = len(figures.sent_by_customers - set(figures.seen_by_agents))
    lost += len(figures.sent_by_agents - set(figures.seen_by_customers))
    duplicated = sum(n - 1 for n in figures.seen_by_agents.values() if n > 1)
    duplicated += sum(n - 1 for n in figures.seen_by_customers.values() if n > 1)
    offers = sorted(figures.offer_ms)
    p50 = statistics.median(offers) if offers else float("nan")
    p99 = offers[min(len(offers) - 1, int(len(offers) * 0.99))] if offers else float("nan")
    row("chats opened", len(figures.started))
    row("chats completed", figures.chats_done)
    row("chats incomplete", figures.chats_failed)
    row("offers received", len(offers))
    row("offer p50 ms", p50)
    row("offer p99 ms", p99)
    row("lost", lost)
    row("duplicated", duplicated)
    if figures.errors:
        row("errors", dict(figures.errors))
    emit(
        {
            "agents": args.agents,
            "rate": args.rate,
            "seconds": args.seconds,
            "database": "postgresql" if scratch else "sqlite",
            "channel_layer": "redis" if args.redis_url else "in-memory",
            "chats": len(figures.started),
            "chats_completed": figures.chats_done,
            "p50_offer_ms": round(p50, 1),
            "p99_offer_ms": round(p99, 1),
            "lost": lost,
            "duplicated": duplicated,
        }
    )
    return None


if __name__ == "__main__":
    main()
