"""A web process's lifespan: when it stops, its open connections' leases close at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async

from relais.apps.realtime import services
from relais.apps.realtime.lifespan import lifespan
from relais.apps.realtime.models import Connection, LeaseKind

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_the_process_stopping_closes_its_leases() -> None:
    await database_sync_to_async(services.lease_open)(
        kind=LeaseKind.DESK, subject_id=1, channel_name="tab"
    )
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    running = asyncio.create_task(lifespan({"type": "lifespan"}, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(running, 10)

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    closed = await database_sync_to_async(
        lambda: Connection.objects.get(channel_name="tab").closed_at
    )()
    assert closed is not None
