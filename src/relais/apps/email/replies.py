"""An agent's reply: sanitised, written to the outbox before any attempt to send it (so it
is never lost), audited; the outbox job delivers it after commit (outbox.py)."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.email import selectors
from relais.apps.email.errors import ErrorCode
from relais.apps.email.jobs import outbox_run_on_commit
from relais.apps.email.models import (
    MailAttachment,
    Mailbox,
    MailDirection,
    MailKind,
    MailMessage,
    MailThread,
    SendState,
)
from relais.apps.email.receiving import response_due
from relais.apps.email.sanitise import html_sanitise, html_to_text, text_to_html
from relais.apps.email.storage import attachment_store, attachments_check, content_type_of
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.interactions.selectors import contact_locked

MAX_REPLY_CHARS = 100_000


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "relais.invalid"


def _thread_for_form(contact: Contact) -> MailThread:
    """The conversation of a message left on the brand's site, begun at its first reply:
    the form's text becomes its first message, so the customer's answer finds it."""
    mailbox = Mailbox.objects.filter(queue_id=contact.queue_id, active=True).first()
    address = str(contact.attributes.get("email") or "")
    if mailbox is None or "@" not in address:
        raise RelaisError(ErrorCode.NO_ADDRESS)
    subject = str(contact.attributes.get("subject") or contact.attributes.get("topic") or "")
    thread = rows.insert(
        MailThread,
        mailbox=mailbox,
        customer_address=address.lower(),
        customer_name=str(contact.attributes.get("name", ""))[:200],
        subject=subject[:300],
        contact=contact,
        response_due_at=response_due(contact.queue, contact.created_at),
        created_at=contact.created_at,
    )
    message = str(contact.attributes.get("message", ""))
    rows.insert(
        MailMessage,
        mailbox=mailbox,
        thread=thread,
        contact=contact,
        direction=MailDirection.INBOUND,
        kind=MailKind.MESSAGE,
        message_id=make_msgid(domain=_domain(mailbox.address)),
        from_address=address.lower(),
        from_name=thread.customer_name,
        to_address=mailbox.address,
        subject=thread.subject,
        text=message,
        html=text_to_html(message),
        state=SendState.RECEIVED,
        created_at=contact.created_at,
    )
    return thread


def _subject(subject: str) -> str:
    return subject if subject.lower().startswith(("re:", "re :")) else f"Re: {subject}".strip()


def _outbound(
    thread: MailThread, contact: Contact, *, text: str, html: str, author: User | None, now: Any
) -> MailMessage:
    """A message to the customer in the conversation `thread`, in the outbox."""
    last = (
        MailMessage.objects.filter(thread=thread, kind=MailKind.MESSAGE)
        .exclude(message_id="")
        .order_by("-id")
        .first()
    )
    references = f"{last.references} {last.message_id}".strip() if last else ""
    mailbox = thread.mailbox
    return rows.insert(
        MailMessage,
        mailbox=mailbox,
        thread=thread,
        contact=contact,
        direction=MailDirection.OUTBOUND,
        kind=MailKind.MESSAGE,
        message_id=make_msgid(domain=_domain(mailbox.address)),
        in_reply_to=last.message_id if last else "",
        references=" ".join(references.split()[-20:]),
        from_address=mailbox.address,
        from_name=mailbox.display_name,
        to_address=thread.customer_address,
        subject=_subject(thread.subject)[:300],
        text=text,
        html=html,
        author=author,
        state=SendState.PENDING,
        next_attempt_at=now,
        created_at=now,
    )


def mail_notice(*, contact: Contact, text: str) -> MailMessage | None:
    """A message from the company (no agent) in the conversation of an e-mail contact, such as
    the satisfaction survey's link; None when the contact has no e-mail conversation."""
    thread = selectors.thread_of(contact)
    if thread is None or not thread.customer_address:
        return None
    with transaction.atomic():
        message = _outbound(
            thread, contact, text=text, html=text_to_html(text), author=None, now=timezone.now()
        )
        audit_record(
            actor=None,
            action="email.notice",
            obj=message,
            changes={"contact": contact.pk},
        )
        outbox_run_on_commit()
    return message


def mail_reply(
    *, actor: User, contact_id: int, html: str, files: Sequence[UploadedFile] = ()
) -> MailMessage:
    """The agent's reply to the conversation of an e-mail contact they hold, in the outbox."""
    selectors.mail_contact(viewer=actor, contact_id=contact_id, states=selectors.REPLYING)
    html = html_sanitise(html[:MAX_REPLY_CHARS])
    text = html_to_text(html)
    if not text:
        raise RelaisError(ErrorCode.EMPTY_REPLY)
    attachments_check([(f.name or "", f.content_type or "", f.size or 0) for f in files])
    now = timezone.now()
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)  # lock order: contact, then its conversation
        if contact.state not in selectors.REPLYING:
            raise RelaisError(ErrorCode.NOT_YOUR_CONTACT)
        thread = selectors.thread_of(contact) or _thread_for_form(contact)
        message = _outbound(thread, contact, text=text, html=html, author=actor, now=now)
        for upload in files:
            rows.insert(
                MailAttachment,
                message=message,
                filename=(upload.name or "attachment")[:200],
                content_type=content_type_of(upload.name or "", upload.content_type or ""),
                size=upload.size or 0,
                stored_as=attachment_store(b"".join(upload.chunks())),
            )
        if thread.responded_at is None:
            thread.responded_at = now
            rows.save(thread, ["responded_at"])
        audit_record(
            actor=actor,
            action="email.reply",
            obj=message,
            changes={"contact": contact.pk, "attachments": len(files)},
        )
        outbox_run_on_commit()
    return message
