"""Reads of coaching: the agents a supervisor may message, their live chats, the help
thread and a chat's transcript — always through the viewer's scope (outside it: not found).

Who coaches: administrators and directors (every agent), partner managers (their partner's
agents) and supervisors (their teams' agents), as `organisation.selectors.agent_list` scopes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import Role
from relais.apps.chat.models import ChatMessage, ChatSession
from relais.apps.chat.selectors import agent_view
from relais.apps.deskstream.events import HelpMessageView, MessageView
from relais.apps.desktop.models import HelpMessage, HelpThread
from relais.apps.desktop.selectors import help_view
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.interactions.timeline import ContactEventView, contact_timeline
from relais.apps.organisation.models import Agent
from relais.apps.organisation.scoping import scope_for
from relais.apps.organisation.selectors import agent_list
from relais.apps.privacy.selectors import masking_for
from relais.apps.supervision.coaching.frames import ChatFrame, ThreadFrame
from relais.apps.voice.models import Call, CallState
from relais.apps.voice.selectors import caller_shown
from relais.core.privacy import Masking, mask_name

COACHING_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DIRECTOR, Role.SUPERVISOR, Role.PARTNER_MANAGER}
)


def may_coach(viewer: Any) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and (viewer.is_superuser or viewer.role in COACHING_ROLES)
    )


def coached_agent_get(*, viewer: Any, agent_id: int) -> Agent:
    """An agent of the viewer's scope (else `not_found`, whether it exists or not)."""
    agent = None
    if may_coach(viewer):
        agent = agent_list(viewer=viewer).filter(pk=agent_id, active=True).first()
    if agent is None:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=Agent._meta.verbose_name)
    return agent


def coached_contact_get(*, viewer: Any, contact_id: int) -> Contact:
    """A chat held by an agent of the viewer's scope (else `not_found`)."""
    contact = None
    if may_coach(viewer):
        agents = agent_list(viewer=viewer).values("pk")
        contact = (
            Contact.objects.select_related("agent__user")
            .filter(pk=contact_id, agent_id__in=agents, chat__isnull=False)
            .first()
        )
    if contact is None:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=gettext_lazy("chat"))
    return contact


def chat_in_scope(*, viewer: Any, contact_id: int) -> bool:
    """Whether the viewer may still follow this chat: held (offered or accepted) by an agent
    of their scope; any chat for whole-organisation viewers. Checked for every frame pushed
    to a coaching connection, so cheap: one query for administrators and directors, three
    small indexed ones for a supervisor (their teams, then the contact)."""
    if not may_coach(viewer):
        return False
    contacts = Contact.objects.filter(pk=contact_id, chat__isnull=False)
    if not scope_for(viewer).everything:
        contacts = contacts.filter(agent_id__in=agent_list(viewer=viewer).values("pk"))
    return contacts.exists()


def agent_in_scope(*, viewer: Any, agent_id: int) -> bool:
    """Whether the viewer may still read this agent's help thread (each pushed message)."""
    return may_coach(viewer) and agent_list(viewer=viewer).filter(pk=agent_id).exists()


def live_chats(*, viewer: Any, agent: Agent) -> list[tuple[Contact, str]]:
    """The chats the agent is in now, with the customer's name as the viewer may see it."""
    coached_agent_get(viewer=viewer, agent_id=agent.pk)
    masking = masking_for(viewer)
    contacts = Contact.objects.filter(agent_id=agent.pk, state=ContactState.ACCEPTED)
    names = dict(
        ChatSession.objects.filter(contact__in=contacts).values_list("contact_id", "customer_name")
    )
    return [
        (c, _shown(names[c.pk], masking)) for c in contacts.order_by("accepted_at") if c.pk in names
    ]


@dataclass(frozen=True)
class LiveCall:
    """A call the agent has now, as the viewer may see it, with its call detail so far."""

    contact_id: int
    caller: str
    queue: str
    state: str
    events: list[ContactEventView]


def live_calls(*, viewer: Any, agent: Agent) -> list[LiveCall]:
    """The agent's calls ringing or answered now, the caller's number masked for the viewer
    (listening to them is for the voice's second part)."""
    coached_agent_get(viewer=viewer, agent_id=agent.pk)
    masking = masking_for(viewer)
    calls = (
        Call.objects.filter(
            contact__agent_id=agent.pk,
            contact__state__in=(ContactState.OFFERED, ContactState.ACCEPTED),
        )
        .exclude(state=CallState.ENDED)
        .select_related("contact__queue")
        .order_by("contact_id")
    )
    return [
        LiveCall(
            contact_id=call.contact_id,
            caller=caller_shown(call.caller, masking),
            queue=call.contact.queue.label,
            state=call.get_state_display(),
            events=contact_timeline(call.contact_id),
        )
        for call in calls
    ]


def _shown(name: str, masking: Masking) -> str:
    return mask_name(name) if masking.surname else name


def help_thread_messages(*, viewer: Any, agent: Agent) -> list[HelpMessageView]:
    """The agent's open help thread (the instant messages with supervision)."""
    coached_agent_get(viewer=viewer, agent_id=agent.pk)
    thread = HelpThread.objects.filter(agent=agent, closed_at__isnull=True).first()
    if thread is None:
        return []
    rows = HelpMessage.objects.filter(thread=thread).select_related("author")
    return [help_view(m, agent) for m in rows]


def thread_agent_id(thread_id: int) -> int | None:
    """Whose help thread this is (the consumer then keeps only the agents it watches, each
    got through `coached_agent_get`)."""
    return HelpThread.objects.filter(pk=thread_id).values_list("agent_id", flat=True).first()


def chat_transcript(
    *, viewer: Any, contact: Contact, after: int = 0, masking: Masking | None = None
) -> list[MessageView]:
    """Everything said in the chat after message number `after`, as the viewer may see it
    (`masking`: theirs, when the caller has it already)."""
    coached_contact_get(viewer=viewer, contact_id=contact.pk)
    masking = masking_for(viewer) if masking is None else masking
    rows = ChatMessage.objects.filter(contact_id=contact.pk, seq__gt=after).order_by("seq")
    return [agent_view(m, masking) for m in rows]


def _customer_name(contact: Contact) -> str:
    return (
        ChatSession.objects.filter(contact_id=contact.pk)
        .values_list("customer_name", flat=True)
        .first()
        or ""
    )


def help_thread_frame(*, viewer: Any, agent: Agent) -> ThreadFrame:
    """The agent's open help thread as the coaching page shows it."""
    name = agent.user.get_full_name() or agent.user.username
    messages = help_thread_messages(viewer=viewer, agent=agent)
    return ThreadFrame(agent_id=agent.pk, agent_name=name, messages=messages)


def joined_chat_frame(*, viewer: Any, contact: Contact, mode: str) -> ChatFrame:
    """A joined chat as the coaching page shows it: everything said so far."""
    agent = contact.agent
    masking = masking_for(viewer)
    return ChatFrame(
        contact_id=contact.pk,
        agent_id=contact.agent_id or 0,
        agent_name=agent.user.get_full_name() if agent else "",
        customer_name=_shown(_customer_name(contact), masking),
        mode=mode,
        messages=chat_transcript(viewer=viewer, contact=contact, masking=masking),
    )


def shown_name(*, viewer: Any, contact: Contact) -> str:
    """What the customer is told of the viewer, a supervisor: a first name, else "Supervisor"
    in the chat's language."""
    first_name: str = viewer.first_name.strip()
    if first_name:
        return first_name
    language = (
        ChatSession.objects.filter(contact_id=contact.pk).values_list("language", flat=True).first()
    )
    with translation.override(language or "fr"):
        return gettext("Supervisor")
