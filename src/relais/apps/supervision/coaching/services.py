"""Coaching: a supervisor's instant messages to an agent, and joining an agent's live chat.

Every write is checked, done in one transaction and audited with who, when and why:

- `instant_message_send`: a message in the agent's help thread (the one their "help" button
  writes to), opened by the supervisor if none is open — opening one needs a reason. The
  agent's desktop gets it as a numbered `help.message` event (so it survives reconnects);
  other supervisors of the team get it on `help-team-<team>`, as the agent's own questions.
- `chat_join`: silently (nothing is written into the conversation: the customer and the
  agent are told nothing) or visibly (a `supervisor_joined` system message: the customer
  sees the supervisor's first name, or "Supervisor", never a site or a partner).
- `chat_supervisor_send`: after a visible join, a message the customer and the agent both
  see (`sender = supervisor`), stored before it is acknowledged like every chat message.

The targets come from `coaching.selectors` (the viewer's scope); the writes go through the
desktop and chat apps' models and services.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.chat import services as chat
from relais.apps.chat.models import MAX_BODY_CHARS, ChatMessage, Sender, SystemEvent
from relais.apps.deskstream.events import HelpMessageEvent, desk_event_append
from relais.apps.desktop.models import HelpMessage, HelpThread
from relais.apps.desktop.selectors import help_group, help_view
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Agent
from relais.apps.realtime.push import send_frame_on_commit
from relais.apps.supervision.access import reason_required
from relais.apps.supervision.coaching.frames import TeamHelpFrame
from relais.apps.supervision.coaching.selectors import may_coach, shown_name
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.models import ChatJoin, JoinMode


def _require_coach(actor: User) -> None:
    if not may_coach(actor):
        raise RelaisError(ErrorCode.NOT_A_SUPERVISOR)


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY_CHARS:
        raise RelaisError(ErrorCode.MESSAGE_REQUIRED)
    return body


def instant_message_send(
    *, actor: User, agent: Agent, body: str, client_id: str = "", reason: str = ""
) -> HelpMessage:
    """Write to the agent's help thread (opened with `reason` when none is open); the same
    `client_id` again stores nothing new."""
    _require_coach(actor)
    body = _body(body)
    with transaction.atomic(durable=True):
        thread = (
            HelpThread.objects.select_for_update()
            .filter(agent=agent, closed_at__isnull=True)
            .first()
        )
        if thread is not None and client_id:
            found = HelpMessage.objects.filter(
                thread=thread, author=actor, client_id=client_id
            ).first()
            if found is not None:
                return found
        if thread is None:
            why = reason_required(reason)
            thread = HelpThread.objects.create(agent=agent, created_at=timezone.now())
        else:
            why = (reason or "").strip()[:500] or f"help thread #{thread.pk}"
        message = HelpMessage.objects.create(
            thread=thread, author=actor, body=body, client_id=client_id, created_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="supervision.instant_message",
            obj=message,
            changes={"agent": agent.pk, "thread": thread.pk},
            reason=why,
        )
        view = help_view(message, agent)
        desk_event_append(agent_id=agent.pk, event=HelpMessageEvent(message=view))
        frame = TeamHelpFrame(agent=str(agent), **view.model_dump())
        send_frame_on_commit(help_group(agent.team_id), frame, handler="help.frame")
    return message


def chat_join(*, actor: User, contact: Contact, mode: str, reason: str) -> ChatJoin:
    """Join a live chat silently or visibly (a visible join is announced once)."""
    _require_coach(actor)
    why = reason_required(reason)
    if mode not in JoinMode.values:
        raise RelaisError(ErrorCode.INVALID_JOIN_MODE, mode=mode[:20])
    if contact.state != ContactState.ACCEPTED:
        raise RelaisError(ErrorCode.CHAT_NOT_LIVE)
    with transaction.atomic(durable=True):
        announced = ChatJoin.objects.filter(
            contact=contact, supervisor=actor, mode=JoinMode.VISIBLE
        ).exists()
        join = ChatJoin.objects.create(
            contact=contact, supervisor=actor, mode=mode, reason=why, joined_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="supervision.chat_join",
            obj=contact,
            changes={"mode": mode, "agent": contact.agent_id},
            reason=why,
        )
        if mode == JoinMode.VISIBLE and not announced:
            chat.message_post(
                contact_id=contact.pk,
                sender=Sender.SYSTEM,
                body="",
                event=SystemEvent.SUPERVISOR_JOINED,
                author=actor,
                author_name=shown_name(viewer=actor, contact=contact),
            )
    return join


def chat_supervisor_send(
    *, actor: User, contact: Contact, body: str, client_id: str
) -> tuple[ChatMessage, bool]:
    """A supervisor who joined visibly writes to the customer and the agent."""
    _require_coach(actor)
    body = _body(body)
    if not ChatJoin.objects.filter(
        contact=contact, supervisor=actor, mode=JoinMode.VISIBLE
    ).exists():
        raise RelaisError(ErrorCode.NOT_JOINED)
    if Contact.objects.filter(pk=contact.pk).values_list("state", flat=True).first() != (
        ContactState.ACCEPTED
    ):
        raise RelaisError(ErrorCode.CHAT_NOT_LIVE)
    message, created = chat.message_post(
        contact_id=contact.pk,
        sender=Sender.SUPERVISOR,
        body=body,
        client_id=client_id,
        author=actor,
        author_name=shown_name(viewer=actor, contact=contact),
    )
    if message is None:  # not a chat
        raise RelaisError(ErrorCode.CHAT_NOT_LIVE)
    return message, created
