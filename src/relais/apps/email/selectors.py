"""Reads of the e-mail channel: which mailbox a recipient is, which conversation a message
answers, and a conversation as the agent holding its contact may see it (masked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from relais.apps.email.errors import ErrorCode
from relais.apps.email.models import (
    MailAttachment,
    Mailbox,
    MailDirection,
    MailKind,
    MailMessage,
    MailThread,
)
from relais.apps.email.sanitise import html_sanitise, text_to_html
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.interactions.selectors import contact_row
from relais.apps.organisation.models import Agent
from relais.apps.privacy.selectors import agent_masking
from relais.apps.routing.models import Channel
from relais.core.privacy import Masking, mask_email, mask_name, mask_text

#: A reply may be written while the agent has the contact in hand.
REPLYING = (ContactState.ACCEPTED, ContactState.WRAP_UP)


def mailbox_for(addresses: Iterable[str]) -> Mailbox | None:
    """The active mailbox among these addresses (the envelope's recipients), with its queue."""
    wanted = [a.strip().lower() for a in addresses]
    return Mailbox.objects.select_related("queue").filter(address__in=wanted, active=True).first()


def thread_answered(mailbox: Mailbox, ids: Iterable[str]) -> MailThread | None:
    """The conversation of the nearest message among `ids` (In-Reply-To, then References
    from the last), with its contact; None: a new conversation."""
    ordered = [i for i in ids if i]
    if not ordered:
        return None
    found = {
        m.message_id: m.thread_id
        for m in MailMessage.objects.filter(
            mailbox=mailbox, message_id__in=ordered, thread__isnull=False
        ).only("message_id", "thread_id")
    }
    for message_id in ordered:
        if message_id in found:
            thread_id = found[message_id]
            if thread_id is not None:
                return MailThread.objects.select_related("contact").get(pk=thread_id)
    return None


def received_before(mailbox: Mailbox, message_id: str) -> MailMessage | None:
    """The same message received already (a sender trying again after a lost answer)."""
    return MailMessage.objects.filter(
        mailbox=mailbox, message_id=message_id, direction=MailDirection.INBOUND
    ).first()


def thread_of(contact: Contact) -> MailThread | None:
    return MailThread.objects.filter(contact=contact).select_related("mailbox").first()


def mail_contact(*, viewer: Any, contact_id: int, states: tuple[str, ...] = ()) -> Contact:
    """An e-mail contact offered to or handled by the viewer's agent (else `not_your_contact`,
    the desk's refusal: another agent's contact is not shown to exist)."""
    user_id = getattr(viewer, "pk", None)
    agent = Agent.objects.filter(user_id=user_id, active=True).first() if user_id else None
    found = contact_row(contact_id, agent_id=agent.pk) if agent is not None else None
    if found is None or (states and found.state not in states):
        raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
    if found.channel != Channel.EMAIL:
        raise RelaisError(ErrorCode.NOT_EMAIL)
    return found


class AttachmentView(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class MailView(BaseModel):
    id: int
    direction: str
    sender: str
    subject: str
    html: str
    state: str
    state_label: str
    last_error: str
    next_attempt_at: dt.datetime | None
    created: dt.datetime
    attachments: list[AttachmentView]


class ThreadView(BaseModel):
    contact_id: int
    subject: str
    customer: str
    response_due_at: dt.datetime | None
    responded_at: dt.datetime | None
    messages: list[MailView]


def _shown_sender(name: str, address: str, masking: Masking) -> str:
    name = mask_name(name) if name and masking.surname else name
    address = mask_email(address) if masking.email else address
    return f"{name} <{address}>" if name else address


def _shown_html(html: str, masking: Masking) -> str:
    """Sanitised when stored; masked here as the viewer's policy says, and sanitised again
    (masking rewrites text: what it leaves must still be inert)."""
    return html_sanitise(mask_text(html, masking))


def _form_view(contact: Contact, masking: Masking) -> MailView:
    """The message left on the brand's site (the widget's form): the conversation's first."""
    attributes = contact.attributes
    return MailView(
        id=0,
        direction=MailDirection.INBOUND,
        sender=_shown_sender(
            str(attributes.get("name", "")), str(attributes.get("email", "")), masking
        ),
        subject="",
        html=_shown_html(text_to_html(str(attributes.get("message", ""))), masking),
        state="received",
        state_label="",
        last_error="",
        next_attempt_at=None,
        created=contact.created_at,
        attachments=[],
    )


def _mail_view(message: MailMessage, masking: Masking) -> MailView:
    inbound = message.direction == MailDirection.INBOUND
    return MailView(
        id=message.pk,
        direction=message.direction,
        sender=(
            _shown_sender(message.from_name, message.from_address, masking)
            if inbound
            else message.from_name or message.from_address
        ),
        subject=mask_text(message.subject, masking),
        html=_shown_html(message.html, masking),
        state=message.state,
        state_label=str(message.get_state_display()),
        last_error=message.last_error,
        next_attempt_at=message.next_attempt_at,
        created=message.created_at,
        attachments=[
            AttachmentView(id=a.pk, filename=a.filename, content_type=a.content_type, size=a.size)
            for a in message.attachments.all()
        ],
    )


def thread_view(*, viewer: Any, contact_id: int) -> ThreadView:
    """The conversation of a contact the viewer's agent holds, every message in it (the
    ones before this contact too), as their site's masking lets them see it."""
    contact = mail_contact(viewer=viewer, contact_id=contact_id)
    masking = agent_masking(contact.agent_id)
    thread = thread_of(contact)
    attributes = contact.attributes
    customer = _shown_sender(
        str(attributes.get("name", "")),
        str(attributes.get("email") or contact.customer_reference),
        masking,
    )
    if thread is None:  # a message left on the site, not answered yet
        views = [_form_view(contact, masking)] if attributes.get("message") else []
        return ThreadView(
            contact_id=contact.pk,
            subject=mask_text(str(attributes.get("subject", "")), masking),
            customer=customer,
            response_due_at=None,
            responded_at=None,
            messages=views,
        )
    messages = (
        MailMessage.objects.filter(thread=thread, kind=MailKind.MESSAGE)
        .prefetch_related("attachments")
        .order_by("id")
    )
    return ThreadView(
        contact_id=contact.pk,
        subject=mask_text(thread.subject, masking),
        customer=customer,
        response_due_at=thread.response_due_at,
        responded_at=thread.responded_at,
        messages=[_mail_view(m, masking) for m in messages],
    )


def attachment_for(*, viewer: Any, contact_id: int, attachment_id: int) -> MailAttachment:
    """An attachment of the conversation of a contact the viewer's agent holds."""
    contact = mail_contact(viewer=viewer, contact_id=contact_id)
    thread = thread_of(contact)
    found = MailAttachment.objects.filter(
        pk=attachment_id, message__thread=thread, message__kind=MailKind.MESSAGE
    ).first()
    if thread is None or found is None:
        raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
    return found
