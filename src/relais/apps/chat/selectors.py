"""Reads of the web chat: topics, whether a queue is open, a waiting customer's position
and estimated wait, and a conversation as the customer may see it.

The customer is not a signed-in person: the reads that concern one chat take its session
(the holder of its token) as the viewer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from relais.apps.chat import queries
from relais.apps.chat.errors import ErrorCode
from relais.apps.chat.models import (
    ChatMessage,
    ChatSession,
    ChatTopic,
    Sender,
    hash_token,
)
from relais.apps.chat.schemas import CustomerMessage
from relais.apps.deskstream.events import MessageView
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactState
from relais.apps.interactions.waiting import WaitEstimate, contact_wait_estimate
from relais.apps.routing.models import Channel, Queue
from relais.core.privacy import Masking, mask_text


def topic_list() -> QuerySet[ChatTopic]:
    return ChatTopic.objects.filter(active=True).select_related("queue")


def alternative_queue(preferred: Queue | None, channel: str) -> Queue | None:
    """Where a left message (e-mail) or a callback of a topic goes: its own queue if active,
    else the first active queue of that channel; None when the company cannot take it."""
    if preferred is not None and preferred.active:
        return preferred
    return Queue.objects.filter(channel=channel, active=True).order_by("code").first()


def alternatives(topic: ChatTopic | None) -> tuple[bool, bool]:
    """Whether a customer of `topic` may leave a message, and ask for a callback: offered
    only when a queue will take them (and then they always succeed)."""
    if topic is None:
        return False, False
    message = alternative_queue(topic.message_queue, Channel.EMAIL) is not None
    callback = alternative_queue(topic.callback_queue, Channel.CALLBACK) is not None
    return message, callback


def messages_for_customer(*, viewer: ChatSession, after: int = 0) -> list[ChatMessage]:
    return queries.customer_messages(viewer.contact_id, after)  # every customer's hello


@dataclass(frozen=True)
class Standing:
    """Where a chat stands for its customer."""

    last_seq: int
    left: bool
    state: str
    agent: str  # the first name of the agent holding it, or ""


def chat_standing(*, viewer: ChatSession) -> Standing:
    """The conversation's last number, whether the customer left, the contact's state, and
    the name the customer is told: the first name of the agent holding the chat."""
    last_seq, left_at, state, first_name = queries.standing(viewer.contact_id)
    in_hand = state in (ContactState.ACCEPTED, ContactState.WRAP_UP)
    return Standing(last_seq, left_at is not None, state, (first_name or "") if in_hand else "")


def wait_estimate(*, viewer: ChatSession) -> WaitEstimate | None:
    """Place in the line (1: next) and estimated wait, or None when not waiting
    (`interactions.waiting`, docs/events-protocol.md)."""
    return contact_wait_estimate(viewer.contact_id)


def chat_group(contact_id: int) -> str:
    return f"chat-{contact_id}"


def customer_view(message: ChatMessage) -> CustomerMessage:
    return CustomerMessage(
        id=message.seq,
        sender=message.sender,  # type: ignore[arg-type]  # only CUSTOMER_VISIBLE are shown
        author=message.author_name if message.sender != Sender.CUSTOMER else "",
        event=message.event,
        body=message.body,
        client_id=message.client_id if message.sender == Sender.CUSTOMER else "",
        created=message.created_at,
    )


def agent_view(message: ChatMessage, masking: Masking) -> MessageView:
    """A message as a member of staff sees it: its body through `masking` (card numbers and
    IBANs always hidden; docs/privacy.md)."""
    return MessageView(
        id=message.seq,
        sender=message.sender,
        author=message.author_name,
        event=message.event,
        body=mask_text(message.body, masking),
        client_id=message.client_id,
        created=message.created_at,
    )


def session_for_token(token: str, *, now: dt.datetime | None = None) -> ChatSession:
    """The chat session holding this token, with its topic. The token expires
    `settings.CHAT_TOKEN_GRACE_S` after the chat ended (docs/privacy.md, "Chat tokens"):
    after that it replays nothing (`token_expired`)."""
    found = queries.session_by_token_hash(hash_token(token))
    if found is None:
        raise RelaisError(ErrorCode.BAD_TOKEN)
    session, ended_at = found
    grace = dt.timedelta(seconds=settings.CHAT_TOKEN_GRACE_S)
    if ended_at is not None and (now or timezone.now()) > ended_at + grace:
        raise RelaisError(ErrorCode.TOKEN_EXPIRED)
    return session
