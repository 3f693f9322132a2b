"""Web chat under load: real WebSocket agents and customers against the web server.

    uv run python -m bench.chat_load --agents 500 --rate 20 --seconds 120 \
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]
        [--workers N] [--router separate|in-process]

Starts uvicorn on 127.0.0.1 over a fresh database (default: a temporary SQLite file; with a
PostgreSQL URL, a scratch database created and dropped on that server). On PostgreSQL with
Redis: `--workers` uvicorn processes (default 2) and the router as its own process
(`relais router`, woken by NOTIFY), as in production; otherwise one process with the router
in it (`relais serve`). Creates the agents; a separate client process logs their desktops in
over WebSocket with a bounded login ramp (available, accepting every offer, answering every
message); then the bench opens `--rate` customer chats per second for `--seconds`: each
customer submits the pre-chat form with a first message, connects, and exchanges three
messages each way before leaving (or leaves after waiting 60 s for the agents' answers); the
agent then wraps up. Prints p50/p99 from the customer's first message (the form is posted)
to the offer reaching the agent's browser, a chat never offered counting as an offer that
took the customer's whole wait (until they left, or the bench stopped waiting), messages
lost (acknowledged to their sender, never shown to the other side) or duplicated
(received twice), and the CPU seconds of each side. Last line: JSON, also when a phase fails.
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
from collections import Counter
from pathlib import Path
from typing import Any

from bench import NO_CHAT_LIMITS, emit, row
from bench.chat_load_clients import PATIENCE_S, CustomerFigures, customer
from bench.chat_load_server import (
    cpu_seconds,
    drop_postgres,
    free_port,
    load_average,
    postgres_cpu_seconds,
    scratch_postgres,
    seed,
    serve,
)

ROOT = Path(__file__).resolve().parent.parent
DRAIN_S = 30.0
LOGIN_WAIT_S = 180.0


class Failed(Exception):
    """A phase of the bench failed: reported, with the figures gathered so far."""


# -- the run ---------------------------------------------------------------------------------


async def drive(
    base: str,
    sessions: list[str],
    rate: float,
    seconds: float,
    env: dict[str, str],
    out: dict[str, Any],
) -> None:
    """Log the agents in (their own process), warm up, open the chats, drain; fills `out`."""
    agents = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.chat_load_clients",
        base,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
        limit=2**27,
    )
    assert agents.stdin is not None
    out["agents_pid"] = agents.pid
    assert agents.stdout is not None
    figures = CustomerFigures()
    out["customers"] = figures
    try:
        agents.stdin.write((json.dumps(sessions) + "\n").encode())
        await agents.stdin.drain()
        try:
            line = await asyncio.wait_for(agents.stdout.readline(), LOGIN_WAIT_S + 30)
        except TimeoutError:
            line = b""
        parts = line.decode().split()
        if len(parts) != 3 or parts[0] != "ready":
            raise Failed("the agents' client process did not report its logins")
        logged_in, login_s = int(parts[1]), float(parts[2])
        out["agents_logged_in"], out["login_s"] = logged_in, login_s
        row("agents logged in", logged_in, f"in {login_s:.1f} s")
        if logged_in < len(sessions):
            raise Failed(f"warm-up failed: {logged_in} of {len(sessions)} agents logged in")
        await asyncio.sleep(2)  # the router has applied the logins
        # the server's first requests import what Django loads lazily: not measured
        warm = CustomerFigures()
        try:
            done = await asyncio.wait_for(
                asyncio.gather(
                    *(customer(base, f"warm-up-{n}", warm, measure=False) for n in range(3))
                ),
                90,
            )
        except Exception as error:
            raise Failed(f"warm-up failed: {type(error).__name__}: {error}") from error
        figures.sent |= warm.sent  # their messages count too (the agents answered them)
        figures.seen.update(warm.seen)
        if not all(done):
            raise Failed("warm-up failed: a warm-up chat got no answer within 60 s")
        out["cpu_before"] = time.perf_counter(), out["cpu"]()
        out["load_before"] = load_average()
        customers = []
        began = time.perf_counter()
        number = 0
        while time.perf_counter() - began < seconds:
            due = began + number / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            customers.append(asyncio.create_task(customer(base, f"c{number}", figures)))
            number += 1
            if number % int(max(rate * 10, 1)) == 0:
                row(f"t={time.perf_counter() - began:.0f}s chats", number)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*customers, return_exceptions=True), DRAIN_S + PATIENCE_S
            )
        out["gave_up"] = time.perf_counter()
        out["cpu_after"] = time.perf_counter(), out["cpu"]()
        out["load_after"] = load_average()
        for task in customers:
            if not task.done():
                task.cancel()
        for result in await asyncio.gather(*customers, return_exceptions=True):
            if isinstance(result, BaseException):
                figures.errors[type(result).__name__] += 1
        await asyncio.sleep(1)
    finally:
        with contextlib.suppress(Exception):
            agents.stdin.write(b"stop\n")
            await agents.stdin.drain()
            line = await asyncio.wait_for(agents.stdout.readline(), 30)
            if line.strip():
                out["agents"] = json.loads(line)
        if agents.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                agents.kill()
        await agents.wait()


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def _report(args: argparse.Namespace, database: str, out: dict[str, Any]) -> dict[str, Any]:
    customers: CustomerFigures = out.get("customers") or CustomerFigures()
    agents: dict[str, Any] = out.get("agents") or {}
    offers_at: dict[str, float] = agents.get("offers", {})
    offered = sorted(
        (offers_at[name] - t0) * 1000 for name, t0 in customers.started.items() if name in offers_at
    )
    # A chat never offered counts as an offer that took the customer's whole wait: until they
    # left (PATIENCE_S after connecting), or until the bench stopped waiting for them.
    gave_up = out.get("gave_up", time.perf_counter())
    unoffered = sorted(
        (customers.left.get(name, gave_up) - t0) * 1000
        for name, t0 in customers.started.items()
        if name not in offers_at
    )
    offers = sorted(offered + unoffered)
    seen_by_agents: Counter[str] = Counter(agents.get("seen", {}))
    sent_by_agents: set[str] = set(agents.get("sent", []))
    missing = sorted(customers.sent - set(seen_by_agents)) + sorted(
        sent_by_agents - set(customers.seen)
    )
    lost = len(missing)
    if missing:
        print(f"lost (first 10): {missing[:10]}", file=sys.stderr)
    duplicated = sum(n - 1 for n in seen_by_agents.values() if n > 1)
    duplicated += sum(n - 1 for n in customers.seen.values() if n > 1)
    duplicated += agents.get("duplicate_offers", 0)
    posts = sorted(
        (customers.posted[n] - t0) * 1000
        for n, t0 in customers.started.items()
        if n in customers.posted
    )
    p50 = statistics.median(offers) if offers else float("nan")
    p99 = offers[min(len(offers) - 1, int(len(offers) * 0.99))] if offers else float("nan")
    errors = Counter(customers.errors) + Counter(agents.get("errors", {}))
    cpu: dict[str, float] = {}
    if "cpu_before" in out and "cpu_after" in out:
        (t0, before), (t1, after) = out["cpu_before"], out["cpu_after"]
        cpu = {f"cpu_{k}_pct": round(100 * (after[k] - before[k]) / (t1 - t0)) for k in before}
    never = len(unoffered)
    rows = [
        ("chats opened", len(customers.started)),
        ("chats completed", customers.done),
        ("chats incomplete", customers.failed),
        ("never offered", never),
        ("offer p50 ms", p50),
        ("offer p99 ms", p99),
        ("offered only p99 ms", _pct(offered, 0.99)),
        ("never offered: waited ms", f"{_pct(unoffered, 0.5):.0f} (median)" if never else "-"),
        ("form p50/p99 ms", f"{_pct(posts, 0.5):.0f} / {_pct(posts, 0.99):.0f}"),
        ("lost", lost),
        ("duplicated", duplicated),
        *cpu.items(),
        ("load average", f"{out.get('load_before', '?')} -> {out.get('load_after', '?')}"),
    ]
    for name, value in rows:
        row(name, value)
    if errors:
        row("errors", dict(errors))
    report = {
        "agents": args.agents,
        "rate": args.rate,
        "seconds": args.seconds,
        "database": database,
        "channel_layer": "redis" if args.redis_url else "in-memory",
        "workers": args.workers,
        "router": args.router,
        "agents_logged_in": out.get("agents_logged_in", 0),
        "login_s": out.get("login_s"),
        "chats": len(customers.started),
        "chats_completed": customers.done,
        "never_offered": never,
        "p50_offer_ms": round(p50, 1) if offers else None,
        "p99_offer_ms": round(p99, 1) if offers else None,
        "p99_offer_ms_offered_only": round(_pct(offered, 0.99), 1) if offered else None,
        "never_offered_wait_ms": round(_pct(unoffered, 0.5), 1) if unoffered else None,
        "p50_form_ms": round(_pct(posts, 0.5), 1) if posts else None,
        "p99_form_ms": round(_pct(posts, 0.99), 1) if posts else None,
        "lost": lost,
        "duplicated": duplicated,
        **cpu,
        "load_before": out.get("load_before"),
        "load_after": out.get("load_after"),
    }
    if out.get("error"):
        report["error"] = out["error"]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0, help="new chats per second")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--workers", type=int, help="uvicorn processes (PostgreSQL + Redis)")
    parser.add_argument("--router", choices=("separate", "in-process"))
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        return seed(args.seed)
    if args.serve is not None:
        return serve(args.serve, args.workers, args.router)
    distributed = args.database_url.startswith("postgres") and bool(args.redis_url)
    args.router = args.router or ("separate" if distributed else "in-process")
    args.workers = args.workers or (2 if distributed else 1)
    if args.router == "in-process" and args.workers != 1:
        parser.error("--router in-process runs in a single server process: --workers 1")
    if args.workers > 1 and not distributed:
        parser.error("several workers need PostgreSQL and Redis")

    workdir = Path(tempfile.mkdtemp(prefix="relais-chat-bench-"))
    scratch: tuple[str, str] | None = None
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if database_url.startswith("postgres"):
        scratch = scratch_postgres(database_url)
        database_url = scratch[0]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RELAIS_DATA_DIR": str(workdir),
        "RELAIS_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "relais.config.settings",
        # one key for every process: the sessions made here are read by the servers
        "RELAIS_SECRET_KEY": os.environ.get("RELAIS_SECRET_KEY") or secrets.token_urlsafe(50),
        **NO_CHAT_LIMITS,
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes: dict[str, subprocess.Popen[bytes]] = {}
    out: dict[str, Any] = {}
    database = "postgresql" if scratch else "sqlite"
    try:
        row("database", database)
        row("channel layer", "redis" if args.redis_url else "in-memory")
        row("server", f"{args.workers} uvicorn worker(s), router {args.router}")
        seeded = subprocess.run(
            [sys.executable, "-m", "bench.chat_load", "--seed", str(args.agents)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if seeded.returncode != 0:
            raise Failed(f"seeding failed: {seeded.stderr.strip().splitlines()[-1:]}")
        sessions = json.loads(seeded.stdout.strip().splitlines()[-1])
        serve_argv = ["--serve", str(port), "--workers", str(args.workers), "--router", args.router]
        processes["server"] = subprocess.Popen(
            [sys.executable, "-m", "bench.chat_load", *serve_argv], env=env, cwd=ROOT
        )
        if args.router == "separate":
            processes["router"] = subprocess.Popen(
                [sys.executable, "-m", "relais.cli", "router"], env=env, cwd=ROOT
            )
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        else:
            raise Failed("the server did not listen within 30 s")
        out["cpu"] = lambda: {
            **{name: cpu_seconds(p.pid) for name, p in processes.items()},
            "customers": time.process_time(),
            "agents": cpu_seconds(out["agents_pid"]) if "agents_pid" in out else 0.0,
            **({"postgres": postgres_cpu_seconds(scratch[1])} if scratch else {}),
        }
        asyncio.run(drive(base, sessions, args.rate, args.seconds, env, out))
    except Failed as failure:
        print(f"chat_load: {failure}", file=sys.stderr, flush=True)
        out["error"] = str(failure)
    except Exception as error:  # still a JSON last line with what there is
        print(f"chat_load: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        out["error"] = f"{type(error).__name__}: {error}"
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
            if process.poll() is None:
                process.kill()
        if scratch is not None:
            with contextlib.suppress(Exception):
                drop_postgres(args.database_url, scratch[1])
    emit(_report(args, database, out))
    return None


if __name__ == "__main__":
    main()
