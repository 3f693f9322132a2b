"""What the router tells agents' browsers, through the channel layer, after commit.

Each agent has one group, `agent-<agent pk>`; the desktop's WebSocket consumer joins it.
Messages are typed (`OfferMade`, `OfferEnded`); `type` names the consumer's handler
(`offer.made` -> `offer_made`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Literal

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from pydantic import BaseModel

logger = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None


class OfferMade(BaseModel):
    """A contact is offered to the agent: accept before `expires_at`."""

    type: Literal["offer.made"] = "offer.made"
    contact_id: int
    queue: str
    channel: str
    customer_reference: str
    expires_at: dt.datetime | None
    direct: bool = False


class OfferEnded(BaseModel):
    """An offer the agent had not answered is gone (`expired`, `withdrawn`, `abandoned`)."""

    type: Literal["offer.ended"] = "offer.ended"
    contact_id: int
    reason: str


AgentMessage = OfferMade | OfferEnded


def agent_group(agent_id: int) -> str:
    return f"agent-{agent_id}"


def use_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """The router runs in the web server's process: send on the server's event loop, where
    the consumers of an in-memory channel layer listen."""
    global _server_loop
    _server_loop = loop


def send_to_agent(agent_id: int, message: AgentMessage) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    payload = message.model_dump(mode="json")
    group = agent_group(agent_id)
    loop = _server_loop
    try:
        if loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(layer.group_send(group, payload), loop)
        else:
            async_to_sync(layer.group_send)(group, payload)
    except Exception:  # a push that fails must not undo a committed decision
        logger.exception("could not send %s to %s", message.type, group)


def send_to_agent_on_commit(agent_id: int, message: AgentMessage) -> None:
    transaction.on_commit(lambda: send_to_agent(agent_id, message))
