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
from relais.apps.chat.identity import IDENTITY_VERIFIED
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
    BroadcastRead,
    HelpMessage,
    HelpThread,
    InternalNote,
    WrapUp,
    WrapUpReason,
)
from relais.apps.desktop.screenpop import ScreenPop, brand_customer_id, screen_pop
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import (
    AgentPresence,
    Contact,
    ContactState,
    PresenceState,
)
from relais.apps.interactions.selectors import contact_row
from relais.apps.interactions.timeline import ContactEventView, contact_timeline
from relais.apps.organisation.models import Agent
from relais.apps.privacy.selectors import agent_masking, agent_maskings
from relais.apps.routing.config import engine_queue, engine_site
from relais.apps.routing.models import Channel, Queue
from relais.apps.routing.selectors import may_serve
from relais.apps.voice.consult_queue import consult_reserved
from relais.core.privacy import (
    CLOSED,
    Masking,
    mask_address,
    mask_email,
    mask_name,
    mask_phone,
    mask_reference,
    mask_text,
)

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


def chat_view(contact: Contact, masking: Masking) -> ChatView:
    """The conversation as the desktop opens it (at every accept: hand-written lookups),
    as `masking` lets its agent see it. A contact that is not a chat (a left message, a
    callback) shows what the customer asked for as its first line."""
    session = queries.chat_session(contact.pk)
    topic = session.topic if session else None
    said = rows.select(ChatMessage, order="seq", contact_id=contact.pk)
    messages = [agent_view(m, masking) for m in said]
    notes = rows.select(InternalNote, order="id", contact_id=contact.pk)
    if session is None:
        messages = [*request_lines(contact, masking), *messages]
    name = session.customer_name if session else requester_name(contact)
    return ChatView(
        contact_id=contact.pk,
        queue=contact.queue.code,
        queue_label=_label(contact.queue),
        customer_name=shown_name(name, masking),
        language=session.language if session else str(contact.attributes.get("language", "")),
        topic=topic.label if topic else str(contact.attributes.get("topic", "")),
        state=contact.state,
        messages=messages,
        notes=[note_view(n, masking) for n in notes],
        channel=contact.channel,
    )


def requester_name(contact: Contact) -> str:
    """Who asked, for a contact that is not a chat (a left message, a callback)."""
    return str(contact.attributes.get("name") or contact.customer_reference)


def shown_name(name: str, masking: Masking) -> str:
    """The customer's name as `masking` shows it (a reference standing for a name is
    masked as what it is: an e-mail address, a phone number)."""
    if "@" in name or sum(c.isdigit() for c in name) >= 6:
        return mask_reference(name, masking)
    return mask_name(name) if masking.surname else name


def request_lines(contact: Contact, masking: Masking) -> list[MessageView]:
    """What the customer asked for outside a chat: the message they left (with their
    e-mail), or the callback (number and time); numbered 0, before any chat message; as
    `masking` lets the viewer see them."""
    attributes = contact.attributes
    name = shown_name(requester_name(contact), masking)
    if contact.channel == Channel.CALLBACK:
        at = contact.scheduled_for or contact.created_at
        phone = str(attributes.get("phone") or contact.customer_reference)
        body = mask_phone(phone) if masking.phone else phone
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
    text = mask_text(str(attributes.get("message", "")), masking)
    if not text:
        return []
    email = str(attributes.get("email") or contact.customer_reference)
    email = mask_email(email) if masking.email else email
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


def request_preview(contact: Contact, masking: Masking) -> str:
    lines = request_lines(contact, masking)
    if not lines:
        return ""
    line = lines[0]
    return line.body if not line.event else f"☎ {line.body}"


def note_view(note: InternalNote, masking: Masking) -> NoteView:
    return NoteView(
        id=note.pk,
        author=note.author.get_full_name(),
        body=mask_text(note.body, masking),
        created=note.created_at,
    )


def offer_view(contact: Contact) -> OfferMadeEvent:
    """The offer as the desktop shows it (two queries: the chat, its topic, its first line;
    the masking of its agent's site)."""
    return offer_views([contact])[contact.pk]


def offer_views(
    contacts: list[Contact], maskings: dict[int, Masking] | None = None
) -> dict[int, OfferMadeEvent]:
    """The offers of several contacts (with their queue) as their agents may see them, in
    two queries whatever their number: the chats, and the masking of each agent's site
    (unless given, by agent)."""
    sessions = queries.offer_sessions([c.pk for c in contacts])
    if maskings is None:
        maskings = agent_maskings(c.agent_id for c in contacts)
    views = {}
    for contact in contacts:
        masking = maskings.get(contact.agent_id or 0, CLOSED)
        session, topic, preview = sessions.get(contact.pk, (None, None, ""))
        if session is None:
            preview = request_preview(contact, masking)
        else:
            preview = mask_text(preview, masking)
        name = session.customer_name if session else requester_name(contact)
        views[contact.pk] = OfferMadeEvent(
            contact_id=contact.pk,
            queue=contact.queue.code,
            queue_label=_label(contact.queue),
            channel=contact.channel,
            customer_name=shown_name(name, masking),
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
    #: When the current presence began (the state bar's timer), None when never logged in.
    presence_since: dt.datetime | None = None
    #: The server's clock when it read the state: the page counts from `presence_since` by
    #: the server's time, whatever the offset of the browser's clock.
    server_now: dt.datetime | None = None
    chat_capacity: int
    offers: list[OfferMadeEvent]
    chats: list[ChatView]
    help: list[dict[str, Any]]
    #: The broadcasts the agent has not marked as read, as their numbered frames, oldest first.
    broadcasts: list[dict[str, Any]] = []


def desk_state(*, viewer: Any) -> DeskState:
    """Read under the agent's cursor lock: no event can be numbered while we read."""
    agent = desk_agent(viewer=viewer)
    masking = agent_masking(agent.pk)
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
            presence_since=presence.since if presence else None,
            server_now=timezone.now(),
            chat_capacity=agent.capacity_chat,
            offers=list(offer_views(list(offers), {agent.pk: masking}).values()),
            chats=[chat_view(c, masking) for c in in_hand(agent)],
            help=help_messages(agent=agent),
            broadcasts=unread_broadcasts(agent=agent),
        )


#: How many unread broadcasts the desktop shows at most (the newest).
MAX_BROADCASTS = 50
BROADCAST_KIND = "supervision.broadcast"


def unread_broadcasts(*, agent: Agent) -> list[dict[str, Any]]:
    """The broadcasts that reached the agent's desktop and that they have not marked as
    read (`BroadcastRead`), oldest first: they stay in the list, across reloads, until read."""
    read = set(BroadcastRead.objects.filter(agent=agent).values_list("broadcast_id", flat=True))
    events = DeskEvent.objects.filter(agent_id=agent.pk, kind=BROADCAST_KIND).order_by("-seq")
    frames = [frame_of(e) for e in events[: MAX_BROADCASTS + len(read)]]
    unread = [f for f in frames if f.get("broadcast_id") not in read][:MAX_BROADCASTS]
    return unread[::-1]


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


class TransferTarget(BaseModel):
    """A queue (`code`) or a colleague (`agent_id`) a contact may be transferred to."""

    code: str = ""
    agent_id: int | None = None
    label: str


class CustomerPanel(BaseModel):
    type: str = "panel"
    contact_id: int
    name: str
    email: str
    phone: str = ""
    address: str = ""
    language: str
    topic: str
    masked: bool
    previous: list[PreviousContact]
    canned: list[CannedView]
    #: What canned replies' variables stand for, masked as the rest of the panel
    #: (`first_name`, `agent`, `order`; docs/desktop.md, "Canned replies").
    variables: dict[str, str] = {}
    queues: list[TransferTarget] = []
    colleagues: list[TransferTarget] = []
    #: The brand's id of a customer its site vouched for (blank: not verified), and the
    #: refusal's code when the chat offered an identity that was refused.
    customer_id: str = ""
    identity_refused: str = ""
    screen_pop: ScreenPop = ScreenPop()


class Identity(BaseModel):
    """Who the customer of a contact is, as the record says (unmasked: never sent as is
    to anyone but through `identity_shown` or an audited unmask)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""

    def field(self, name: str) -> str:
        return str(getattr(self, name))


def customer_identity(contact: Contact, session: ChatSession | None) -> Identity:
    """The customer's name, e-mail, phone and address: the chat's, else the contact's
    attributes, else its reference (an e-mail address or a phone number)."""
    attributes = contact.attributes
    reference = contact.customer_reference
    looks_like_email = "@" in reference
    email = session.email if session else str(attributes.get("email") or "")
    phone = str(attributes.get("phone") or "")
    return Identity(
        name=session.customer_name if session else str(attributes.get("name") or ""),
        email=email or (reference if looks_like_email else ""),
        phone=phone or (reference if reference and not looks_like_email else ""),
        address=str(attributes.get("address") or ""),
    )


def identity_shown(identity: Identity, masking: Masking) -> tuple[Identity, bool]:
    """The identity as `masking` shows it, and whether anything was hidden."""
    shown = Identity(
        name=mask_name(identity.name) if masking.surname else identity.name,
        email=mask_email(identity.email) if masking.email else identity.email,
        phone=mask_phone(identity.phone) if masking.phone else identity.phone,
        address=mask_address(identity.address) if masking.address else identity.address,
    )
    return shown, shown != identity


def customer_panel(*, viewer: Any, contact_id: int) -> CustomerPanel:
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    agent = desk_agent(viewer=viewer)
    session = ChatSession.objects.filter(contact_id=contact.pk).select_related("topic").first()
    masking = agent_masking(agent.pk)
    identity = customer_identity(contact, session)
    shown, masked = identity_shown(identity, masking)
    previous = [
        PreviousContact(
            contact_id=row.pk,
            created=row.created_at,
            channel=row.get_channel_display(),
            queue=row.queue.label,
            state=row.get_state_display(),
            outcome=row.wrap_up.reason.label if hasattr(row, "wrap_up") else "",
        )
        for row in previous_contacts(contact)
    ]
    order = str(contact.attributes.get("order") or "")
    refused = str(contact.attributes.get("identity") or "")
    return CustomerPanel(
        customer_id=brand_customer_id(contact),
        identity_refused="" if refused == IDENTITY_VERIFIED else refused,
        screen_pop=screen_pop(
            template=contact.queue.screen_pop_url,
            contact=contact,
            email=identity.email,
            phone=identity.phone,
            masking=masking,
        ),
        contact_id=contact.pk,
        name=shown.name,
        email=shown.email,
        phone=shown.phone,
        address=shown.address,
        language=session.language if session else "",
        topic=session.topic.label if session and session.topic else "",
        masked=masked,
        previous=previous,
        canned=[
            CannedView(title=c.title, body=c.body)
            for c in canned_responses(viewer=viewer, contact_id=contact_id)
        ],
        variables={
            "first_name": shown.name.split(" ")[0] if shown.name else "",
            "agent": agent.user.first_name or agent.user.get_full_name(),
            "order": mask_text(order, masking),
        },
        queues=[
            TransferTarget(code=q.code, label=q.label)
            for q in transfer_queues(viewer=viewer, contact=contact)
        ],
        colleagues=[
            TransferTarget(agent_id=c.pk, label=c.user.get_full_name() or c.user.username)
            for c in transfer_colleagues(viewer=viewer, contact=contact)
        ],
    )


def previous_contacts(contact: Contact) -> list[Contact]:
    """The same customer's ten latest other contacts on any channel (`Contact.customer_key`:
    the brand's id, their e-mail address or phone number), with queue and wrap-up."""
    if not contact.customer_key:
        return []
    return list(
        Contact.objects.filter(customer_key=contact.customer_key)
        .exclude(pk=contact.pk)
        .select_related("queue", "wrap_up__reason")
        .order_by("-created_at")[:10]
    )


class Transcript(BaseModel):
    """A previous contact of a customer the agent is serving, as the agent may see it."""

    contact_id: int
    created: dt.datetime
    channel: str
    queue: str
    outcome: str
    customer_name: str
    messages: list[MessageView]
    events: list[ContactEventView]  # its event log, the call detail included


def previous_transcript(*, viewer: Any, contact_id: int, previous_id: int) -> Transcript:
    """The transcript of `previous_id`, one of the previous contacts of the customer of
    `contact_id` (which the viewer's agent holds): nothing else, through their masking."""
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    found = next((row for row in previous_contacts(contact) if row.pk == previous_id), None)
    if found is None:
        raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
    masking = agent_masking(desk_agent(viewer=viewer).pk)
    view = chat_view(found, masking)
    return Transcript(
        contact_id=found.pk,
        created=found.created_at,
        channel=found.get_channel_display(),
        queue=found.queue.label,
        outcome=found.wrap_up.reason.label if hasattr(found, "wrap_up") else "",
        customer_name=view.customer_name,
        messages=view.messages,
        events=contact_timeline(found.pk),
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


def transfer_queues(*, viewer: Any, contact: Contact) -> list[Queue]:
    """The queues the viewer's agent may transfer (or consult about) `contact` to: the active
    queues of its channel, whoever the viewer (the caller has checked they hold it)."""
    return list(Queue.objects.filter(channel=contact.channel, active=True))


def transfer_colleagues(*, viewer: Any, contact: Contact) -> list[Agent]:
    """Colleagues the viewer's agent may hand `contact` to by name: on the same site (the
    agent's scope for transfers), logged in and available now, not reserved for another
    agent's consultation of a queue, and able to serve the contact's queue (the engine's
    rule: its skills, language and channel)."""
    agent = desk_agent(viewer=viewer)
    config = engine_queue(contact.queue)
    candidates = (
        Agent.objects.filter(
            site_id=agent.site_id, active=True, presence__state=PresenceState.AVAILABLE
        )
        .exclude(pk=agent.pk)
        .exclude(pk__in=consult_reserved().values("agent_id"))
        .select_related("user", "site")
        .order_by("user__last_name", "user__first_name")
    )
    return [c for c in candidates if may_serve(config, c, engine_site(c.site))]
