"""A received e-mail into Relais: its mailbox, its conversation, its contact.

- A message from a person opens a conversation and a contact of the mailbox's queue (routed
  like any contact, `Channel.EMAIL`); a reply to a known message (`In-Reply-To`, then
  `References`) joins that conversation: its contact when still open, else a new contact of
  the same conversation (whose first-response clock starts again).
- A bounce or an automatic reply is kept in its conversation (a bounce marks the reply it
  returns) and nothing else: no contact, no answer, so no loop.
- The same message received twice (a sender trying again) is stored once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.deskstream.events import ChatMessageEvent, MessageView, desk_event_append
from relais.apps.email import selectors
from relais.apps.email.errors import ErrorCode
from relais.apps.email.models import (
    MailAttachment,
    Mailbox,
    MailDirection,
    MailKind,
    MailMessage,
    MailThread,
    SendState,
)
from relais.apps.email.parsing import InboundMail, mail_parse
from relais.apps.email.sanitise import html_sanitise, html_to_text, text_to_html
from relais.apps.email.storage import attachment_store, attachments_check
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import LIVE_STATES, Contact, ContactState
from relais.apps.privacy.selectors import agent_masking
from relais.apps.routing.models import Channel, Queue, parse_hours
from relais.core.privacy import mask_text
from relais.core.routing.hours import open_deadline, weekly

#: What the contact carries of the message for lists and previews (its `message`).
PREVIEW_CHARS = 2000
HELD_BY_AGENT = (ContactState.ACCEPTED, ContactState.WRAP_UP)


def response_due(queue: Queue, since: dt.datetime) -> dt.datetime | None:
    """When the first response is due: the queue's service-level time counted in its
    opening hours (None: the queue never opens again)."""
    specs = parse_hours(queue.time_zone, queue.opening_hours)
    start = since.timestamp()
    if not specs:
        return since + dt.timedelta(seconds=queue.service_level_seconds)
    due = open_deadline(weekly(queue.time_zone, *specs), start, queue.service_level_seconds)
    return None if due == float("inf") else dt.datetime.fromtimestamp(due, tz=dt.UTC)


def mail_receive(
    *, raw: bytes, envelope_from: str = "", recipients: Sequence[str] = ()
) -> MailMessage:
    """Store a received message (refused with `RelaisError`: unknown mailbox, attachment
    over the limits); returns it. Called by the SMTP receiver, inside no transaction."""
    mail = mail_parse(raw, envelope_from.strip("<>"), tuple(recipients))
    mailbox = selectors.mailbox_for(mail.recipients)
    if mailbox is None:
        raise RelaisError(ErrorCode.UNKNOWN_MAILBOX, value=", ".join(mail.recipients))
    if mail.kind == MailKind.MESSAGE:
        attachments_check([(p.filename, p.content_type, len(p.payload)) for p in mail.attachments])
    before = selectors.received_before(mailbox, mail.message_id)
    if before is not None:
        return before
    with transaction.atomic():
        thread = selectors.thread_answered(mailbox, mail.thread_ids)
        if mail.kind != MailKind.MESSAGE:
            return _machine_store(mailbox, thread, mail)
        contact = _contact_for(mailbox, thread, mail)
        if thread is None:
            thread = rows.insert(
                MailThread,
                mailbox=mailbox,
                customer_address=mail.from_address,
                customer_name=mail.from_name,
                subject=mail.subject,
                contact=contact,
                response_due_at=response_due(mailbox.queue, contact.created_at),
                created_at=contact.created_at,
            )
        elif thread.contact_id != contact.pk:
            thread.contact = contact
            thread.responded_at = None
            thread.response_due_at = response_due(mailbox.queue, contact.created_at)
            rows.save(thread, ["contact", "responded_at", "response_due_at"])
        message = _message_store(mailbox, thread, contact, mail)
        _tell_the_agent(contact, message)
    return message


def _tell_the_agent(contact: Contact, message: MailMessage) -> None:
    """The customer wrote again while an agent has the contact in hand: in their desk stream
    (numbered below zero: not a chat message's number), as their site's policy shows it."""
    if contact.agent_id is None or contact.state not in HELD_BY_AGENT:
        return
    masking = agent_masking(contact.agent_id)
    desk_event_append(
        agent_id=contact.agent_id,
        contact_id=contact.pk,
        event=ChatMessageEvent(
            contact_id=contact.pk,
            message=MessageView(
                id=-message.pk,
                sender="customer",
                author="",
                event="",
                body=mask_text(message.text[:PREVIEW_CHARS], masking),
                client_id="",
                created=message.created_at,
            ),
        ),
    )


def _contact_for(mailbox: Mailbox, thread: MailThread | None, mail: InboundMail) -> Contact:
    """The conversation's contact while it is open, else a new one of the mailbox's queue."""
    if thread is not None and thread.contact.state in LIVE_STATES:
        return thread.contact
    attributes: dict[str, object] = {
        "name": mail.from_name,
        "email": mail.from_address,
        "subject": mail.subject,
        "message": (mail.text or html_to_text(html_sanitise(mail.html)))[:PREVIEW_CHARS],
        "source": "email",
    }
    if thread is not None:
        attributes["previous_contact"] = thread.contact_id
    return interactions.contact_create(
        actor=None,
        queue=mailbox.queue,
        channel=Channel.EMAIL,
        customer_reference=mail.from_address,
        attributes=attributes,
    )


def _message_store(
    mailbox: Mailbox, thread: MailThread, contact: Contact, mail: InboundMail
) -> MailMessage:
    html = html_sanitise(mail.html) if mail.html else text_to_html(mail.text)
    message = _row(mailbox, thread, contact, mail, html=html)
    for part in mail.attachments:
        rows.insert(
            MailAttachment,
            message=message,
            filename=part.filename,
            content_type=part.content_type,
            size=len(part.payload),
            stored_as=attachment_store(part.payload),
        )
    return message


def _machine_store(mailbox: Mailbox, thread: MailThread | None, mail: InboundMail) -> MailMessage:
    """A bounce or an automatic reply: recorded, and a bounce marks the reply it returns."""
    if mail.kind == MailKind.BOUNCE and thread is not None:
        MailMessage.objects.filter(
            thread=thread,
            direction=MailDirection.OUTBOUND,
            message_id__in=mail.thread_ids,
            state=SendState.SENT,
        ).update(state=SendState.BOUNCED, last_error=mail.subject[:500])
    return _row(mailbox, thread, None, mail, html=text_to_html(mail.text[:PREVIEW_CHARS]))


def _row(
    mailbox: Mailbox,
    thread: MailThread | None,
    contact: Contact | None,
    mail: InboundMail,
    *,
    html: str,
) -> MailMessage:
    return rows.insert(
        MailMessage,
        mailbox=mailbox,
        thread=thread,
        contact=contact,
        direction=MailDirection.INBOUND,
        kind=mail.kind,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        from_address=mail.from_address,
        from_name=mail.from_name,
        to_address=mailbox.address,
        subject=mail.subject,
        text=mail.text,
        html=html,
        state=SendState.RECEIVED,
        created_at=timezone.now(),
    )
