"""Writes of the web chat: starting a chat, messages from both sides, the customer leaving,
leaving a message or asking for a callback instead.

A message is numbered in its conversation under a lock of the chat session (so numbers
follow commit order), stored, and only then pushed: to the customer's group
`chat-<contact pk>` and, when an agent holds the conversation, as an event of their desktop.
Lock order everywhere: contact, then chat session, then the agent's desk cursor.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.chat import queries, selectors
from relais.apps.chat.errors import ErrorCode
from relais.apps.chat.identity import IDENTITY_VERIFIED, VerifiedCustomer, identity_verify
from relais.apps.chat.models import (
    ChatMessage,
    ChatSession,
    ChatTopic,
    Sender,
    SystemEvent,
    hash_token,
)
from relais.apps.chat.schemas import (
    CallbackForm,
    LeaveMessageForm,
    MessageOut,
    StartForm,
)
from relais.apps.chat.selectors import agent_view, chat_group, customer_view
from relais.apps.deskstream.events import (
    ChatMessageEvent,
    contact_hold,
    desk_event_append,
)
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.interactions.selectors import contact_locked
from relais.apps.numbering import number_return, number_take
from relais.apps.privacy.selectors import agent_masking
from relais.apps.realtime.push import send_frame_on_commit
from relais.apps.routing.models import Channel, Queue
from relais.core.privacy import OPEN

#: Conversation states in which the agent's desktop shows new messages.
IN_HAND = (ContactState.ACCEPTED, ContactState.WRAP_UP)
WAITING = (ContactState.CREATED, ContactState.QUEUED, ContactState.OFFERED)


def _topic(code: str) -> ChatTopic:
    """The active topic with this code, and its queue."""
    topic = queries.active_topic(code)  # every chat starts with it
    if topic is None:
        raise RelaisError(ErrorCode.UNKNOWN_TOPIC, value=code)
    return topic


def chat_start(*, form: StartForm) -> tuple[ChatSession, str]:
    """A chat contact for the topic's queue, with the customer's first message if any;
    returns the session and the customer's token (only its hash is stored)."""
    topic = _topic(form.topic)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    first = form.message.strip()
    customer, identity = _identity(form.identity, now.timestamp())
    attributes = {"topic": topic.code, "language": form.language, "source": "widget"}
    if identity:
        attributes["identity"] = identity
    with transaction.atomic():
        contact = interactions.contact_create(
            actor=None,
            queue=topic.queue,
            channel=Channel.CHAT,
            customer_reference=form.email,
            customer_id=customer.customer_id if customer else "",
            attributes=attributes,
        )
        session = rows.insert(
            ChatSession,
            contact=contact,
            token_hash=hash_token(token),
            customer_name=(customer.name if customer and customer.name else form.name.strip()),
            email=form.email,
            language=form.language,
            topic=topic,
            last_seq=1 if first else 0,
            created_at=now,
        )
        if first:  # number 1 of a conversation nobody sees yet: no lock, nobody to push to
            rows.insert(
                ChatMessage,
                contact_id=contact.pk,
                seq=1,
                sender=Sender.CUSTOMER,
                body=first,
                client_id=form.client_id,
                created_at=now,
            )
    return session, token


def _identity(token: str, now: float) -> tuple[VerifiedCustomer | None, str]:
    """The customer the brand's signed token vouches for, and the contact's `identity`
    attribute: `verified`, the refusal's code (the chat starts as a guest's), or blank."""
    if not token:
        return None, ""
    try:
        return identity_verify(token, now=now), IDENTITY_VERIFIED
    except RelaisError as refused:
        return None, refused.code.value


def _push_to_customer(message: ChatMessage) -> None:
    if message.sender == Sender.SUPERVISOR_NOTE:
        return
    frame = MessageOut(message=customer_view(message))
    send_frame_on_commit(chat_group(message.contact_id), frame, handler="chat.frame")


def message_post(
    *,
    contact_id: int,
    sender: str,
    body: str,
    client_id: str = "",
    author: User | None = None,
    author_name: str = "",
    event: str = "",
    notify_desk: bool = True,
    held: tuple[str, int | None] | None = None,
    open_only: bool = False,
) -> tuple[ChatMessage | None, bool]:
    """Store a message (or find the one already stored under `client_id`); returns it and
    whether it is new, or (None, False) when the contact is not a chat. Pushed after commit.

    `held`: the contact's state and agent, when the caller holds its row already, in its
    own transaction (else `contact_hold` reads them, taking the first lock). `open_only`:
    refused with `chat_ended` once the chat is over (a message sent again is still found)."""
    body = body.strip()
    if not body and not event:
        raise RelaisError(ErrorCode.EMPTY_MESSAGE)
    with transaction.atomic(savepoint=held is None):
        state, agent_id = held if held is not None else contact_hold(contact_id)
        # the conversation's next number; locks the session (lock order: contact, chat
        # session, desk cursor)
        taken = number_take(ChatSession, "contact_id", contact_id, "customer_left_at")
        if taken is None:
            return None, False
        seq, left = taken[0], taken[1] is not None
        if open_only and (left or state not in (*WAITING, *IN_HAND)):
            found = _sent_before(contact_id, sender, client_id)
            if found is None:
                raise RelaisError(ErrorCode.CHAT_ENDED)
            number_return(ChatSession, "contact_id", contact_id)
            return found, False
        stored = rows.add_unless(
            ChatMessage(
                contact_id=contact_id,
                seq=seq,
                sender=sender,
                author=author,
                author_name=author_name,
                event=event,
                body=body,
                client_id=client_id,
                created_at=timezone.now(),
            ),
            _CLIENT_ID_CONFLICT if client_id else "",
        )
        if stored is None:  # sent again (after a reconnect): the message stored before
            number_return(ChatSession, "contact_id", contact_id)
            return _sent_before(contact_id, sender, client_id), False
        message = stored
        _push_to_customer(message)
        if notify_desk and agent_id is not None and state in IN_HAND:
            # stored for that agent, as their site's policy lets them see it (a system
            # event has no body to mask: no policy read)
            masking = agent_masking(agent_id) if message.body else OPEN
            desk_event_append(
                agent_id=agent_id,
                contact_id=contact_id,
                event=ChatMessageEvent(contact_id=contact_id, message=agent_view(message, masking)),
                contact_locked=True,
            )
    return message, True


#: A message whose sender's client id is stored already: not stored twice (the constraint
#: `chat_message_client_id`; looked for only when it happens, not before every message).
_CLIENT_ID_CONFLICT = """("contact_id", "sender", "client_id") WHERE NOT ("client_id" = '')"""


def _sent_before(contact_id: int, sender: str, client_id: str) -> ChatMessage | None:
    if not client_id:
        return None
    return rows.first(ChatMessage, contact_id=contact_id, sender=sender, client_id=client_id)


def customer_message(*, session: ChatSession, body: str, client_id: str) -> ChatMessage:
    """A message from the customer, while the chat is not over."""
    try:
        message, _ = message_post(
            contact_id=session.contact_id,
            sender=Sender.CUSTOMER,
            body=body,
            client_id=client_id,
            open_only=True,
        )
    except IntegrityError:  # the same client id raced in from a second socket
        message = ChatMessage.objects.get(
            contact_id=session.contact_id, sender=Sender.CUSTOMER, client_id=client_id
        )
    if message is None:
        raise RelaisError(ErrorCode.CHAT_ENDED)
    return message


def customer_leave(*, session: ChatSession, reason: str = "") -> bool:
    """The customer closes the chat (or, `reason` `customer_left`, their connection has been
    gone too long): a waiting contact is abandoned; a conversation in an agent's hands stays
    there until the agent wraps it up. Returns False if they had left already."""
    with transaction.atomic():
        contact = contact_locked(session.contact_id)  # lock order: contact, session
        left = ChatSession.objects.filter(pk=session.pk, customer_left_at__isnull=True)
        if not left.update(customer_left_at=timezone.now()):
            return False  # left already
        if contact.state in WAITING:
            contact = interactions.contact_abandon(
                actor=None, contact=contact, locked=True, reason=reason
            )
        message_post(
            contact_id=contact.pk,
            sender=Sender.SYSTEM,
            body="",
            event=SystemEvent.CUSTOMER_LEFT,
            held=(contact.state, contact.agent_id),
        )
    return True


def _fallback_queue(preferred: Queue | None, channel: str) -> Queue:
    queue = selectors.alternative_queue(preferred, channel)
    if queue is None:  # the widget offers nothing it cannot honour: a caller of the API
        raise RelaisError(ErrorCode.NO_QUEUE)
    return queue


def _instead_of_chat(session: ChatSession | None) -> None:
    """The customer gives up waiting for a chat (if they were) to leave a message instead."""
    if session is None:
        return
    contact = Contact.objects.get(pk=session.contact_id)
    if contact.state not in (*WAITING, ContactState.CLOSED):
        raise RelaisError(ErrorCode.TOO_LATE)
    customer_leave(session=session)


def message_leave(*, form: LeaveMessageForm, session: ChatSession | None = None) -> Contact:
    """Outside opening hours, or tired of waiting: an e-mail-like contact with the text."""
    topic = _topic(form.topic)
    if not form.email:
        raise RelaisError(ErrorCode.INVALID_FORM, detail="email")
    queue = _fallback_queue(topic.message_queue, Channel.EMAIL)
    attributes: dict[str, Any] = {
        "topic": topic.code,
        "language": form.language,
        "name": form.name,
        "email": form.email,
        "message": form.message,
        "source": "widget",
    }
    if session is not None:
        attributes["chat_contact"] = session.contact_id
    with transaction.atomic():
        _instead_of_chat(session)
        return interactions.contact_create(
            actor=None,
            queue_code=queue.code,
            channel=Channel.EMAIL,
            customer_reference=form.email,
            attributes=attributes,
        )


def callback_request(*, form: CallbackForm, session: ChatSession | None = None) -> Contact:
    """A callback at the time the customer chose (kept in the contact's attributes)."""
    topic = _topic(form.topic)
    if form.at.tzinfo is None:
        raise RelaisError(ErrorCode.INVALID_FORM, detail="at")
    if form.at < timezone.now():
        raise RelaisError(ErrorCode.INVALID_FORM, detail="at")
    queue = _fallback_queue(topic.callback_queue, Channel.CALLBACK)
    attributes: dict[str, Any] = {
        "topic": topic.code,
        "language": form.language,
        "name": form.name,
        "phone": form.phone,
        "callback_at": form.at.isoformat(),
        "source": "widget",
    }
    if session is not None:
        attributes["chat_contact"] = session.contact_id
    with transaction.atomic():
        _instead_of_chat(session)
        return interactions.contact_create(
            actor=None,
            queue_code=queue.code,
            channel=Channel.CALLBACK,
            customer_reference=form.phone,
            attributes=attributes,
            scheduled_for=form.at,
        )
