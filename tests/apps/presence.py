"""An agent's desktop connected, as the desktop's consumer makes it (a lease and a request
for the router), for tests that drive the services without a WebSocket."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

from django.db import connection

from relais.apps.desktop.services import desk_connected, desk_disconnected
from relais.apps.organisation.models import Agent
from relais.apps.realtime.services import leases_heartbeat


def desk_open(agent: Agent) -> str:
    """A desktop of `agent` is connected; returns its channel name (to close it)."""
    channel_name = f"test-desk-{agent.pk}-{uuid.uuid4().hex[:8]}"
    desk_connected(agent_id=agent.pk, channel_name=channel_name)
    return channel_name


def desk_close(agent: Agent, channel_name: str) -> None:
    desk_disconnected(agent_id=agent.pk, channel_name=channel_name)


@contextlib.contextmanager
def desks_kept_alive(every_s: float = 2.0) -> Iterator[None]:
    """This process's leases seen every `every_s` (as a web process's heartbeat keeps them),
    for tests whose routers run in other processes for longer than a lease stays fresh."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every_s):
                leases_heartbeat()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="test-desk-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
