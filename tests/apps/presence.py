"""An agent's desktop connected, as the desktop's consumer makes it (a lease and a request
for the router), for tests that drive the services without a WebSocket."""

from __future__ import annotations

import uuid

from relais.apps.desktop.services import desk_connected, desk_disconnected
from relais.apps.organisation.models import Agent


def desk_open(agent: Agent) -> str:
    """A desktop of `agent` is connected; returns its channel name (to close it)."""
    channel_name = f"test-desk-{agent.pk}-{uuid.uuid4().hex[:8]}"
    desk_connected(agent_id=agent.pk, channel_name=channel_name)
    return channel_name


def desk_close(channel_name: str) -> None:
    desk_disconnected(channel_name=channel_name)
