"""Two `relais router` processes on PostgreSQL: SIGKILL the active one while contacts arrive.

The standby must take over (rebuilding from the record), no contact may be lost and none
offered twice. Needs DATABASE_URL=postgres://… (skipped otherwise).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.router.runner import LOCK_KEY
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.presence import desk_open, desks_kept_alive
from tests.apps.routing.fixtures import orders_queue

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg)")


def child_database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def routers(postgres: None, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "RELAIS_DATA_DIR": str(tmp_path),
        "RELAIS_LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"router{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "relais.cli", "router", "--poll", "0.05"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    start()
    time.sleep(0.5)
    start()
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(10)
        connection.close()


def lock_holder() -> int | None:
    """The pid of the router process whose connection holds the router's advisory lock on
    this database (other databases of the server may have routers of their own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_KEY],
        )
        row = cursor.fetchone()
    return int(row[0].rsplit("-", 1)[1]) if row else None


def wait_for(condition: object, seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.05)
    return None


def test_the_standby_takes_over_without_losing_or_duplicating_contacts(
    world: World, routers: list[subprocess.Popen[bytes]]
) -> None:
    queue = orders_queue(world)
    Queue.objects.filter(pk=queue.pk).update(offer_timeout_seconds=300)
    queue.overflow_steps.exclude(order=0).delete()
    queue.overflow_steps.update(internal=False)  # anyone: 8 agents x 3 chats = 24 places
    for agent in world.agents.values():
        desk_open(agent)  # their desktops are connected (kept alive below)
        services.agent_login(actor=agent.user, agent=agent)
    admin = world.users["administrator"]
    active = wait_for(lock_holder, 20)
    assert active in {process.pid for process in routers}, "no router became active"

    with desks_kept_alive():  # the routers, in other processes, read fresh leases
        created = []
        for index in range(20):
            created.append(services.contact_create(actor=admin, queue_code="orders").pk)
            time.sleep(0.05)
            if index == 9:
                victim = next(p for p in routers if p.pid == active)
                victim.send_signal(signal.SIGKILL)
                victim.wait(10)

        standby = wait_for(lambda: (pid := lock_holder()) and pid != active and pid, 20)
        assert standby in {process.pid for process in routers if process.pid != active}

        def all_offered() -> bool:
            return Contact.objects.filter(pk__in=created, state=ContactState.OFFERED).count() == 20

        assert wait_for(all_offered, 30), "\n".join(
            map(
                str,
                ContactEvent.objects.values_list("id", "kind", "contact_id", "agent_id", "data"),
            )
        )
    offers = Counter(
        ContactEvent.objects.filter(kind=EventKind.OFFER_MADE).values_list("contact_id", flat=True)
    )
    assert offers == dict.fromkeys(created, 1), "offered twice"
    load = Counter(Contact.objects.filter(pk__in=created).values_list("agent_id", flat=True))
    assert max(load.values()) <= 3
