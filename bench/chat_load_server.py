"""The server's side of `bench.chat_load`: a scratch database, seeded, the server and router
processes, and the CPU time of each (Linux /proc)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# -- the server's side: a scratch database, seeded, the server and router processes -------


def scratch_postgres(url: str) -> tuple[str, str]:
    """A new database on the given server; returns its URL and its name."""
    import psycopg

    name = f"relais_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}", name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(agents: int) -> None:
    """(In a child process with the bench's environment.) Migrate, create one chat queue
    open to everyone, its topic, `agents` agents and a session for each; print the
    sessions as JSON."""
    import django

    django.setup()
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
    print(json.dumps(signed_in(users)))


def signed_in(users: list[Any]) -> list[str]:
    """(Django set up.) A session for each user, as a browser gets it when signing in: their
    session keys, in order."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    # the backend that loads the user back (Axes', first, only guards the sign-in form)
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(str(store.session_key))
    return sessions


def serve(port: int, workers: int, router: str) -> None:
    profile = os.environ.get("RELAIS_BENCH_PROFILE")
    if profile and workers == 1:
        from bench.sampler import sampling

        with sampling(profile):
            _serve(port, workers, router)
    else:
        _serve(port, workers, router)


def _serve(port: int, workers: int, router: str) -> None:
    import django

    django.setup()
    if router == "in-process":
        from relais.config.server import serve_with_router

        serve_with_router(host="127.0.0.1", port=port, log_level="warning")
        return
    import uvicorn

    from relais.config.server import APPLICATION, UVICORN_OPTIONS

    uvicorn.run(
        APPLICATION,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        **UVICORN_OPTIONS,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_tree(pid: int) -> Iterator[int]:
    """A process and its descendants now (Linux /proc; those gone meanwhile are skipped)."""
    todo = [pid]
    while todo:
        current = todo.pop()
        yield current
        with contextlib.suppress(OSError, ValueError):
            for task in Path(f"/proc/{current}/task").iterdir():
                with contextlib.suppress(OSError, ValueError):
                    todo += [int(c) for c in (task / "children").read_text().split()]


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants (Linux /proc), 0 when gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for current in process_tree(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def postgres_cpu_seconds(database: str) -> float:
    """CPU time of the PostgreSQL backends serving `database` (Linux /proc, same host)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            if database.encode() not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
