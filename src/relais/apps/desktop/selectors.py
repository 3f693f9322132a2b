"""Reads of the agent desktop, always for the viewer's own agent: their events since a
number, the state of their desktop now, and the customer panel of a contact they hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from pydantic import BaseModel

from relais.apps import rows
from relais.apps.chat.models import CannedResponse, ChatMessage, ChatSession, Sender
from relais.apps.chat.selectors import agent_view
from relais.apps.deskstream.events import (
    ChatView,
    HelpMessageView,
    MessageView,
    NoteView,
    OfferMadeEvent,
    frame_of,
)
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.desktop import queries
from relais.apps.desktop.errors import ErrorCode
from relais.apps.desktop.models import (
    HelpMessage,
    HelpThread,
    InternalNote,
    MaskingPolicy,
    WrapUp,
    WrapUpReason,
)
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import OUT_STATES, AgentPresence, Contact, ContactState
from relais.apps.interactions.selectors import contact_row
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel, Queue

#: A handled contact stays on the desktop until its wrap-up reason is given, for so long.
WRAP_UP_WINDOW = dt.timedelta(hours=12)
MAX_RESUME = 5000


def desk_agent(*, viewer: Any) -> Agent:
    """The viewer's own agent; nobody else has a desktop.

    Read once per viewer object: a request's user, or the user of a desktop's connection
    for as long as it lasts (as its login, checked when it connected)."""
    cached: Agent | None = getattr(viewer, "_desk_agent", None)
    if cached is not None:
        return cached
    agent = (
        Agent.objects.select_related("user", "site").filter(user_id=viewer.pk, active=True).first()
        if getattr(viewer, "is_authenticated", False)
        else None
    )
    if agent is None:
        raise RelaisError(ErrorCode.NOT_AN_AGENT)
    viewer._desk_agent = agent
    return agent


def held_contact(
    *, viewer: Any, contact_id: int, states: tuple[str, ...] = (), lock: bool = False
) -> Contact:
    """A contact offered to or handled by the viewer's agent (else `not_your_contact`), with
    its queue; `lock`: its row alone FOR UPDATE, the first lock of a desk transaction.

    Every desk action begins here: one hand-written statement (interactions/queries.py)."""
    agent = desk_agent(viewer=viewer)
    found = contact_row(contact_id, agent_id=agent.pk, lock=lock)
    if found is None or (states and found.state not in states):
        raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
    return found


def events_since(*, viewer: Any, after: int) -> list[dict[str, Any]]:
    agent = desk_agent(viewer=viewer)
    events = DeskEvent.objects.filter(agent_id=agent.pk, seq__gt=after).order_by("seq")
    return [frame_of(row) for row in events[:MAX_RESUME]]


def _label(queue: Queue) -> str:
    return queue.label


def chat_view(contact: Contact) -> ChatView:
    """The conversation as the desktop opens it (at every accept: hand-written lookups).
    A contact that is not a chat (a left message, a callback) shows what the customer asked
    for as its first line."""
    session = queries.chat_session(contact.pk)
    topic = session.topic if session else None
    messages = [agent_view(m) for m in rows.select(ChatMessage, order="seq", contact_id=contact.pk)]
    notes = rows.select(InternalNote, order="id", contact_id=contact.pk)
    if session is None:
        messages = [*request_lines(contact), *messages]
    return ChatView(
        contact_id=contact.pk,
        queue=contact.queue.code,
        queue_label=_label(contact.queue),
        customer_name=session.customer_name if session else requester_name(contact),
        language=session.language if session else str(contact.attributes.get("language", "")),
        topic=topic.label if topic else str(contact.attributes.get("topic", "")),
        state=contact.state,
        messages=messages,
        notes=[note_view(n) for n in notes],
        channel=contact.channel,
    )


def requester_name(contact: Contact) -> str:
    """Who asked, for a contact that is not a chat (a left message, a callback)."""
    return str(contact.attributes.get("name") or contact.customer_reference)


def request_lines(contact: Contact) -> list[MessageView]:
    """What the customer asked for outside a chat: the message they left (with their
    e-mail), or the callback (number and time); numbered 0, before any chat message."""
    attributes = contact.attributes
    name = requester_name(contact)
    if contact.channel == Channel.CALLBACK:
        at = contact.scheduled_for or contact.created_at
        body = str(attributes.get("phone") or contact.customer_reference)
        return [
            MessageView(
                id=0,
                sender=Sender.SYSTEM,
                author=name,
                event="callback_requested",
                body=body,
                client_id="",
                created=at,
            )
        ]
    text = str(attributes.get("message", ""))
    if not text:
        return []
    email = str(attributes.get("email") or contact.customer_reference)
    return [
        MessageView(
            id=0,
            sender=Sender.CUSTOMER,
            author=f"{name} <{email}>",
            event="",
            body=text,
            client_id="",
            created=contact.created_at,
        )
    ]


def request_preview(contact: Contact) -> str:
    lines = request_lines(contact)
    if not lines:
        return ""
    line = lines[0]
    return line.body if not line.event else f"☎ {line.body}"


def note_view(note: InternalNote) -> NoteView:
    return NoteView(
        id=note.pk, author=note.author.get_full_name(), body=note.body, created=note.created_at
    )


def offer_view(contact: Contact) -> OfferMadeEvent:
    """The offer as the desktop shows it (one query: the chat, its topic, its first line)."""
    return offer_views([contact])[contact.pk]


def offer_views(contacts: list[Contact]) -> dict[int, OfferMadeEvent]:
    """The offers of several contacts (with their queue), in one query whatever their number."""
    sessions = queries.offer_sessions([c.pk for c in contacts])
    views = {}
    for contact in contacts:
        session, topic, preview = sessions.get(contact.pk, (None, None, ""))
        if session is None:
            preview = request_preview(contact)
        views[contact.pk] = OfferMadeEvent(
            contact_id=contact.pk,
            queue=contact.queue.code,
            queue_label=_label(contact.queue),
            channel=contact.channel,
            customer_name=session.customer_name if session else requester_name(contact),
            topic=topic.label if topic else str(contact.attributes.get("topic", "")),
            language=session.language if session else "",
            preview=preview[:200],
            expires_at=contact.offer_expires_at,
            timeout_seconds=contact.queue.offer_timeout_seconds,
        )
    return views


def in_hand(agent: Agent) -> list[Contact]:
    """Contacts on the agent's desktop: in conversation, or handled and not yet wrapped up."""
    since = timezone.now() - WRAP_UP_WINDOW
    return list(
        Contact.objects.select_related("queue")
        .filter(agent_id=agent.pk)
        .filter(
            Q(state__in=(ContactState.ACCEPTED, ContactState.WRAP_UP))
            | Q(state=ContactState.CLOSED, close_reason="handled", closed_at__gte=since)
        )
        .exclude(pk__in=WrapUp.objects.filter(agent_id=agent.pk).values("contact_id"))
        .order_by("accepted_at")
    )


class DeskState(BaseModel):
    """What the desktop shows, as of event `last_event_id` (sent on a fresh `hello`)."""

    type: str = "state"
    last_event_id: int
    agent_name: str
    presence: str
    break_reason: str
    chat_capacity: int
    offers: list[OfferMadeEvent]
    chats: list[ChatView]
    help: list[dict[str, Any]]


def desk_state(*, viewer: Any) -> DeskState:
    """Read under the agent's cursor lock: no event can be numbered while we read."""
    agent = desk_agent(viewer=viewer)
    with transaction.atomic():
        DeskCursor.objects.get_or_create(agent_id=agent.pk)
        cursor = DeskCursor.objects.select_for_update().get(agent_id=agent.pk)
        presence = AgentPresence.objects.filter(agent_id=agent.pk).first()
        offers = Contact.objects.select_related("queue").filter(
            agent_id=agent.pk, state=ContactState.OFFERED
        )
        return DeskState(
            last_event_id=cursor.last_seq,
            agent_name=agent.user.get_full_name(),
            presence=presence.state if presence else "offline",
            break_reason=presence.break_reason if presence else "",
            chat_capacity=agent.capacity_chat,
            offers=list(offer_views(list(offers)).values()),
            chats=[chat_view(c) for c in in_hand(agent)],
            help=help_messages(agent=agent),
        )


def help_group(team_id: int | None) -> str:
    return f"help-team-{team_id or 0}"


def help_view(message: HelpMessage, agent: Agent) -> HelpMessageView:
    return HelpMessageView(
        id=message.pk,
        thread_id=message.thread_id,
        author=message.author.first_name or message.author.username,
        from_agent=message.author_id == agent.user_id,
        body=message.body,
        client_id=message.client_id,
        created=message.created_at,
    )


def help_messages(*, agent: Agent) -> list[dict[str, Any]]:
    thread = HelpThread.objects.filter(agent=agent, closed_at__isnull=True).first()
    if thread is None:
        return []
    messages = HelpMessage.objects.filter(thread=thread).select_related("author")
    return [help_view(m, agent).model_dump(mode="json") for m in messages]


def _mask_email(email: str) -> str:
    if "@" not in email:
        return "•••"
    local, domain = email.split("@", 1)
    return f"{local[:1]}•••@{domain}"


class PreviousContact(BaseModel):
    contact_id: int
    created: dt.datetime
    channel: str
    queue: str
    state: str
    outcome: str


class CannedView(BaseModel):
    title: str
    body: str


class CustomerPanel(BaseModel):
    type: str = "panel"
    contact_id: int
    name: str
    email: str
    language: str
    topic: str
    masked: bool
    previous: list[PreviousContact]
    canned: list[CannedView]


def customer_panel(*, viewer: Any, contact_id: int) -> CustomerPanel:
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    agent = desk_agent(viewer=viewer)
    session = ChatSession.objects.filter(contact_id=contact.pk).select_related("topic").first()
    policy = MaskingPolicy.objects.filter(site_id=agent.site_id).first()
    name = session.customer_name if session else ""
    email = session.email if session else contact.customer_reference
    masked = False
    if policy is not None and policy.mask_email and email:
        email, masked = _mask_email(email), True
    if policy is not None and policy.mask_surname and name:
        name, masked = name.split()[0], True
    previous: list[PreviousContact] = []
    reference = session.email if session else contact.customer_reference
    if reference:
        earlier = (
            Contact.objects.filter(customer_reference=reference)
            .exclude(pk=contact.pk)
            .select_related("queue", "wrap_up__reason")
            .order_by("-created_at")[:10]
        )
        for row in earlier:
            wrap = getattr(row, "wrap_up", None)
            previous.append(
                PreviousContact(
                    contact_id=row.pk,
                    created=row.created_at,
                    channel=row.get_channel_display(),
                    queue=row.queue.label,
                    state=row.get_state_display(),
                    outcome=wrap.reason.label if wrap else "",
                )
            )
    return CustomerPanel(
        contact_id=contact.pk,
        name=name,
        email=email,
        language=session.language if session else "",
        topic=session.topic.label if session and session.topic else "",
        masked=masked,
        previous=previous,
        canned=[
            CannedView(title=c.title, body=c.body)
            for c in canned_responses(viewer=viewer, contact_id=contact_id)
        ],
    )


def canned_responses(*, viewer: Any, contact_id: int) -> list[CannedResponse]:
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    session = ChatSession.objects.filter(contact_id=contact.pk).first()
    language = session.language if session else "fr"
    return list(
        CannedResponse.objects.filter(active=True, language=language).filter(
            Q(queue__isnull=True) | Q(queue_id=contact.queue_id)
        )
    )


def wrap_up_reasons() -> list[WrapUpReason]:
    return list(WrapUpReason.objects.filter(active=True))


def transfer_targets(*, viewer: Any) -> tuple[list[Queue], list[Agent]]:
    """Chat queues, and the logged-in agents of the viewer's own site."""
    agent = desk_agent(viewer=viewer)
    queues = list(Queue.objects.filter(channel="chat", active=True))
    colleagues = list(
        Agent.objects.filter(site_id=agent.site_id, active=True)
        .exclude(pk=agent.pk)
        .exclude(presence__state__in=OUT_STATES)
        .filter(presence__isnull=False)
        .select_related("user")
    )
    return queues, colleagues
