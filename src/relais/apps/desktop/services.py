"""Writes of the agent desktop. Each acts for the actor's own agent on contacts that agent
holds, through the interactions and chat services, and records what the desktop must show
as numbered desk events in the same transaction (docs/desktop.md)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.accounts.models import Role, User
from relais.apps.audit.services import audit_record
from relais.apps.chat import services as chat
from relais.apps.chat.errors import ErrorCode as ChatErrorCode
from relais.apps.chat.models import ChatSession, Sender, SystemEvent
from relais.apps.chat.selectors import chat_group
from relais.apps.deskstream.events import (
    ChatOpenedEvent,
    ContactClosedEvent,
    HelpMessageEvent,
    NoteAddedEvent,
    OfferEndedEvent,
    completed_append,
    desk_event_append,
    desk_group,
    offer_key,
)
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop import selectors
from relais.apps.desktop.errors import ErrorCode
from relais.apps.desktop.models import (
    BroadcastRead,
    HelpMessage,
    HelpThread,
    InternalNote,
    WrapUp,
    WrapUpReason,
)
from relais.apps.desktop.sync import desk_sync, sync_presence
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import (
    AgentPresence,
    Contact,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.interactions.selectors import contact_get, may_act_for
from relais.apps.organisation.models import Agent
from relais.apps.privacy.errors import ErrorCode as PrivacyErrorCode
from relais.apps.privacy.selectors import agent_masking, may_unmask
from relais.apps.privacy.services import unmask_record
from relais.apps.realtime.models import LeaseKind
from relais.apps.realtime.push import group_send, send_frame_on_commit
from relais.apps.realtime.services import lease_close, lease_open

S = ContactState


def desk_accept(*, actor: User, contact_id: int) -> Contact:
    """Accept an offer: the customer is told the agent's first name; the desktop opens the
    conversation with everything said so far.

    The audited accept comes last in the transaction: the audit chain is one lock for the
    whole database, held until commit, so the rest is done before taking it (a refused
    accept rolls it all back)."""
    agent = selectors.desk_agent(viewer=actor)
    with transaction.atomic(durable=True):
        contact = selectors.held_contact(  # lock order: contact, chat session, desk cursor
            viewer=actor, contact_id=contact_id, states=(S.OFFERED,), lock=True
        )
        key = offer_key(contact)
        chat.message_post(
            contact_id=contact.pk,
            sender=Sender.SYSTEM,
            body="",
            event=SystemEvent.AGENT_JOINED,
            author_name=actor.first_name,
            notify_desk=False,
            held=(contact.state, contact.agent_id),
        )  # nothing if the contact is not a chat
        masking = agent_masking(agent.pk)  # the policy as it is now, not at the connection's
        view = selectors.chat_view(contact, masking).model_copy(update={"state": S.ACCEPTED.value})
        desk_event_append(
            agent_id=agent.pk,
            event=ChatOpenedEvent(chat=view),
            contact_id=contact.pk,
            key=f"open:{key}",
            contact_locked=True,
        )
        contact = interactions.offer_accept(actor=actor, contact=contact, agent=agent, locked=True)
    return contact


def desk_reject(*, actor: User, contact_id: int) -> Contact:
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id, states=(S.OFFERED,))
    key = offer_key(contact)
    with transaction.atomic(durable=True):
        contact = interactions.offer_reject(actor=actor, contact=contact)
        desk_event_append(
            agent_id=agent.pk,
            event=OfferEndedEvent(contact_id=contact_id, reason="rejected"),
            contact_id=contact_id,
            key=f"end:{key}",
        )
    return contact


def desk_send(*, actor: User, contact_id: int, body: str, client_id: str) -> tuple[int, bool]:
    """The agent writes to the customer; returns the message's number and whether new."""
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id, states=(S.ACCEPTED,))
    message, created = chat.message_post(
        contact_id=contact.pk,
        sender=Sender.AGENT,
        body=body,
        client_id=client_id,
        author=actor,
        author_name=actor.first_name,
    )
    if message is None:  # not a chat
        raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
    return message.seq, created


def desk_typing(*, actor: User, contact_id: int) -> None:
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id, states=(S.ACCEPTED,))
    group_send(chat_group(contact.pk), "chat.typing", {"type": "typing"})


def desk_complete(*, actor: User, contact_id: int) -> Contact:
    """The conversation is over (the customer is told); the wrap-up reason comes next."""
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id, states=(S.ACCEPTED,))
    with transaction.atomic(durable=True):
        contact = interactions.contact_complete(actor=actor, contact=contact)
        _record_end(agent=agent, contact=contact)
    return contact


def _record_end(*, agent: Agent, contact: Contact, locked: bool = False) -> None:
    """The conversation is over: the customer is told (chats) and the desktop's stream says
    so (`locked`: the caller holds the contact's row)."""
    chat.message_post(
        contact_id=contact.pk,
        sender=Sender.SYSTEM,
        body="",
        event=SystemEvent.CHAT_ENDED,
        notify_desk=False,
        held=(contact.state, contact.agent_id) if locked else None,
    )  # nothing if the contact is not a chat
    completed_append(agent.pk, contact, locked=locked)


def desk_wrap_up(*, actor: User, contact_id: int, reason: str, comment: str = "") -> WrapUp:
    """The outcome, mandatory before the contact leaves the desktop (ends it if needed).

    As in `desk_accept`, the audited writes (ending the contact, the wrap-up) come last."""
    agent = selectors.desk_agent(viewer=actor)
    found = rows.first(WrapUpReason, code=reason, active=True)
    if found is None:
        raise RelaisError(ErrorCode.UNKNOWN_REASON)
    with transaction.atomic(durable=True):
        contact = selectors.held_contact(viewer=actor, contact_id=contact_id, lock=True)
        ending = contact.state == S.ACCEPTED
        if not ending and (contact.state not in (S.WRAP_UP, S.CLOSED) or not contact.accepted_at):
            raise RelaisError(ErrorCode.NOT_HANDLED)
        if rows.first(WrapUp, contact_id=contact.pk) is not None:
            raise RelaisError(ErrorCode.ALREADY_WRAPPED_UP)
        key = offer_key(contact)
        if ending:  # what desk_complete records, before its audited part
            _record_end(agent=agent, contact=contact, locked=True)
        wrap = rows.insert(
            WrapUp,
            contact=contact,
            reason=found,
            agent=agent,
            comment=comment.strip()[:500],
            created_at=timezone.now(),
        )
        desk_event_append(
            agent_id=agent.pk,
            event=ContactClosedEvent(contact_id=contact.pk, reason="wrapped_up"),
            contact_id=contact.pk,
            key=f"closed:{key}",
            contact_locked=True,
        )
        if ending:
            contact = interactions.contact_complete(
                actor=actor, contact=contact, agent=agent, locked=True
            )
        event_append(  # the outcome in the log, for its readers (webhooks: docs/integrations.md)
            kind=EventKind.CONTACT_WRAPPED_UP,
            at=wrap.created_at,
            contact_id=contact.pk,
            agent_id=agent.pk,
            queue_id=contact.queue_id,
            actor=actor,
            data={"reason": found.code},
        )
        audit_record(
            actor=actor, action="contact.wrap_up", obj=contact, changes={"reason": found.code}
        )
    return wrap


def desk_transfer(
    *, actor: User, contact_id: int, queue_code: str | None = None, agent_id: int | None = None
) -> Contact:
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id, states=(S.ACCEPTED,))
    key = offer_key(contact)
    with transaction.atomic(durable=True):
        contact = interactions.contact_transfer(
            actor=actor, contact=contact, queue_code=queue_code, agent_id=agent_id
        )
        chat.message_post(
            contact_id=contact.pk,
            sender=Sender.SYSTEM,
            body="",
            event=SystemEvent.TRANSFERRED,
            notify_desk=False,
        )  # nothing if the contact is not a chat
        desk_event_append(
            agent_id=agent.pk,
            event=ContactClosedEvent(contact_id=contact.pk, reason="transferred"),
            contact_id=contact.pk,
            key=f"closed:{key}",
        )
    return contact


def desk_note_add(*, actor: User, contact_id: int, body: str) -> InternalNote:
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(viewer=actor, contact_id=contact_id)
    body = body.strip()
    if not body:
        raise RelaisError(ChatErrorCode.EMPTY_MESSAGE)
    with transaction.atomic(durable=True):
        note = InternalNote.objects.create(
            contact=contact, author=actor, body=body, created_at=timezone.now()
        )
        audit_record(actor=actor, action="contact.note_add", obj=note)
        desk_event_append(
            agent_id=agent.pk,
            event=NoteAddedEvent(
                contact_id=contact.pk, note=selectors.note_view(note, agent_masking(agent.pk))
            ),
            contact_id=contact.pk,
        )
    return note


def broadcast_read(*, actor: User, broadcast_id: int) -> BroadcastRead:
    """The agent marks a broadcast that reached their desktop as read (audited); marking it
    again changes nothing. A broadcast they never received: `unknown_broadcast`."""
    agent = selectors.desk_agent(viewer=actor)
    received = DeskEvent.objects.filter(
        agent_id=agent.pk, kind=selectors.BROADCAST_KIND, payload__broadcast_id=broadcast_id
    ).exists()
    if not received:
        raise RelaisError(ErrorCode.UNKNOWN_BROADCAST, value=broadcast_id)
    with transaction.atomic():
        marker, created = BroadcastRead.objects.get_or_create(
            agent=agent, broadcast_id=broadcast_id, defaults={"read_at": timezone.now()}
        )
        if created:
            audit_record(actor=actor, action="desktop.broadcast_read", obj=marker)
    return marker


def desk_presence_set(*, actor: User, state: str, reason: str = "") -> AgentPresence:
    """available, break (with a reason) or offline, through the interactions services."""
    agent = selectors.desk_agent(viewer=actor)
    with transaction.atomic(durable=True):
        current = AgentPresence.objects.filter(agent=agent).first()
        logged_in = current is not None and current.logged_in
        if state == "available":
            if not logged_in:
                presence = interactions.agent_login(actor=actor, agent=agent)
            elif current is not None and current.state == PresenceState.BREAK:
                presence = interactions.agent_break_end(actor=actor, agent=agent)
            else:
                presence = current  # type: ignore[assignment]
        elif state == "break":
            if not logged_in:
                presence = interactions.agent_login(
                    actor=actor, agent=agent, break_reason=reason or "other"
                )
            else:
                presence = interactions.agent_break_start(
                    actor=actor, agent=agent, reason=reason or "other"
                )
        elif state == "offline":
            presence = interactions.agent_logout(actor=actor, agent=agent)
        else:
            raise RelaisError(ErrorCode.UNKNOWN_STATE, value=state[:40])
        sync_presence(agent.pk)
    return presence


def desk_connected(*, agent_id: int, channel_name: str) -> None:
    """A desktop of the agent's is connected: a lease, and a request that tells the router
    (which reads the agent's leases: several tabs are one presence; docs/presence.md)."""
    with transaction.atomic(durable=True):
        lease_open(kind=LeaseKind.DESK, subject_id=agent_id, channel_name=channel_name)
        event_append(kind=EventKind.AGENT_CONNECTED, at=timezone.now(), agent_id=agent_id)


def desk_disconnected(*, agent_id: int, channel_name: str) -> None:
    """A desktop connection of the agent's ended (a tab closed, a reload, a network drop)."""
    with transaction.atomic(durable=True):
        closed_at = lease_close(channel_name=channel_name)
        if closed_at is not None:
            event_append(kind=EventKind.AGENT_CONNECTION_LOST, at=closed_at, agent_id=agent_id)


# Help: the agent's instant-message thread with their supervisors ------------------------


def help_send(
    *, actor: User, body: str, client_id: str = "", contact_id: int | None = None
) -> HelpMessage:
    """The agent asks their supervisors for help (opens a thread if none is open)."""
    agent = selectors.desk_agent(viewer=actor)
    body = body.strip()
    if not body:
        raise RelaisError(ChatErrorCode.EMPTY_MESSAGE)
    if contact_id is not None:
        selectors.held_contact(viewer=actor, contact_id=contact_id)
    with transaction.atomic(durable=True):
        thread = HelpThread.objects.filter(agent=agent, closed_at__isnull=True).first()
        if thread is None:
            thread = HelpThread.objects.create(
                agent=agent, contact_id=contact_id, created_at=timezone.now()
            )
        if client_id:
            found = HelpMessage.objects.filter(
                thread=thread, author=actor, client_id=client_id
            ).first()
            if found is not None:
                return found
        message = HelpMessage.objects.create(
            thread=thread, author=actor, body=body, client_id=client_id, created_at=timezone.now()
        )
        view = selectors.help_view(message, agent)
        desk_event_append(agent_id=agent.pk, event=HelpMessageEvent(message=view))
        frame = {"type": "help.message", "agent": str(agent), **view.model_dump(mode="json")}
        send_frame_on_commit(selectors.help_group(agent.team_id), frame, handler="help.frame")
    return message


def help_reply(*, actor: User, thread_id: int, body: str) -> HelpMessage:
    """A supervisor of the agent's team (or an administrator) answers."""
    thread = HelpThread.objects.select_related("agent").filter(pk=thread_id).first()
    if thread is None or not may_act_for(actor, thread.agent):
        raise RelaisError(ErrorCode.NOT_A_SUPERVISOR)
    if actor.role == Role.AGENT:
        raise RelaisError(ErrorCode.NOT_A_SUPERVISOR)
    body = body.strip()
    if not body:
        raise RelaisError(ChatErrorCode.EMPTY_MESSAGE)
    with transaction.atomic(durable=True):
        message = HelpMessage.objects.create(
            thread=thread, author=actor, body=body, created_at=timezone.now()
        )
        audit_record(actor=actor, action="help.reply", obj=message)
        desk_event_append(
            agent_id=thread.agent_id,
            event=HelpMessageEvent(message=selectors.help_view(message, thread.agent)),
        )
    return message


__all__ = [
    "desk_accept",
    "desk_complete",
    "desk_group",
    "desk_note_add",
    "desk_presence_set",
    "desk_reject",
    "desk_send",
    "desk_sync",
    "desk_transfer",
    "desk_wrap_up",
    "help_reply",
    "help_send",
]


def customer_field_unmask(*, actor: User, contact_id: int, field: str, reason: str) -> str:
    """One field of a contact's customer revealed to `actor`, and the audit entry saying
    who, which contact, which field and why. A contact outside their scope is not found;
    only a supervisor of the holding agent's team or a whole-organisation role may."""
    contact = contact_get(viewer=actor, contact_id=contact_id)
    team_id = contact.agent.team_id if contact.agent_id and contact.agent else None
    if not may_unmask(actor, team_id=team_id):
        raise RelaisError(PrivacyErrorCode.UNMASK_REFUSED)
    session = ChatSession.objects.filter(contact_id=contact.pk).first()
    value = selectors.customer_identity(contact, session).field(field)
    with transaction.atomic(durable=True):
        unmask_record(actor=actor, contact=contact, field=field, reason=reason)
    return value
