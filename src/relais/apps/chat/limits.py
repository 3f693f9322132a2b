"""The limits on anonymous chat traffic (docs/security.md, "Live connections"), per IP
address and per chat: new chats and customer connections a minute, messages in 10 s. Read
from the settings at each call; a limit of 0 is none."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from relais.apps.realtime.ratelimit import Limit, client_address, rate_take, rate_take_sync

Scope = dict[str, Any]


async def connection_wait(scope: Scope) -> int:
    """A new customer WebSocket from this address: 0, or the seconds to wait."""
    limit = Limit("chat-connections", settings.CHAT_CONNECTIONS_PER_MIN, 60.0)
    return await rate_take(limit, client_address(scope))


def _starts() -> Limit:
    return Limit("chat-starts", settings.CHAT_CONNECTIONS_PER_MIN, 60.0)


async def start_wait(scope: Scope) -> int:
    """A new chat (the pre-chat form) from this address: the same limit, its own count."""
    return await rate_take(_starts(), client_address(scope))


def form_wait(address: str) -> int:
    """A widget form (a new chat, a message left, a callback asked) posted to Django from
    this address: counted with the new chats."""
    return rate_take_sync(_starts(), address or "unknown")


async def message_wait(scope: Scope, contact_id: int) -> int:
    """A customer's message (or request) in the chat `contact_id`: its chat's limit, then
    its address's."""
    per_chat = Limit("chat-messages", settings.CHAT_MESSAGES_PER_10S, 10.0)
    wait = await rate_take(per_chat, str(contact_id))
    if wait:
        return wait
    per_address = Limit("chat-address-messages", settings.CHAT_IP_MESSAGES_PER_10S, 10.0)
    return await rate_take(per_address, client_address(scope))


async def typing_wait(contact_id: int) -> int:
    """A typing signal in the chat `contact_id` (pushed to the agent): as many as messages,
    counted apart."""
    limit = Limit("chat-typing", settings.CHAT_MESSAGES_PER_10S, 10.0)
    return await rate_take(limit, str(contact_id))
