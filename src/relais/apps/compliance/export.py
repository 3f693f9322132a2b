"""Everything Relais holds about one customer (GDPR article 15 and 20): a zip with
`customer.json` (their contacts with what they and the agents wrote, their e-mails, calls
and survey answers) and the files of their e-mail attachments. What describes the agents'
work (evaluations, the agents' names beyond what the customer saw) is not theirs and is not
in it. Audited (`customer.export`)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import CUSTOMER_VISIBLE, ChatMessage, ChatSession
from relais.apps.compliance.erasure import Customer
from relais.apps.compliance.errors import ErrorCode
from relais.apps.compliance.subjects import (
    subject_check,
    subject_contacts,
    subject_fingerprint,
    subject_key,
)
from relais.apps.desktop.models import InternalNote
from relais.apps.email.models import MailAttachment, MailMessage
from relais.apps.email.storage import attachment_path
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.satisfaction.models import SurveyAnswer
from relais.apps.voice.models import Call


def customer_export(*, actor: Any, given: str, reason: str) -> bytes:
    """The zip of everything held about the customer `given` names. Audited."""
    subject_check(viewer=actor, reason=reason)
    key = subject_key(given)
    contacts = list(subject_contacts(key).select_related("queue"))
    if not contacts:
        raise RelaisError(ErrorCode.UNKNOWN_CUSTOMER, value=given)
    ids = [contact.pk for contact in contacts]
    held = [_contact(contact) for contact in contacts]
    _chats(held, ids)
    attachments = _emails(held, ids)
    _calls_and_surveys(held, ids)
    document = {"customer_key": key, "exported_at": timezone.now().isoformat(), "contacts": held}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("customer.json", json.dumps(document, indent=2, default=str))
        for attachment in attachments:
            path = attachment_path(attachment.stored_as)
            if path.exists():
                archive.write(path, f"attachments/{attachment.pk}-{attachment.filename}")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="customer.export",
            obj=Customer(subject_fingerprint(key)),
            changes={"contacts": len(ids), "attachments": len(attachments)},
            reason=reason,
        )
    return buffer.getvalue()


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "channel": contact.channel,
        "direction": contact.direction,
        "queue": contact.queue.code,
        "state": contact.state,
        "customer_reference": contact.customer_reference,
        "attributes": contact.attributes,
        "created_at": contact.created_at,
        "closed_at": contact.closed_at or contact.abandoned_at,
    }


def _by_id(contacts: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {contact["id"]: contact for contact in contacts}


def _chats(contacts: list[dict[str, Any]], ids: list[int]) -> None:
    found = _by_id(contacts)
    for session in ChatSession.objects.filter(contact_id__in=ids):
        found[session.contact_id]["chat"] = {
            "name": session.customer_name,
            "email": session.email,
            "language": session.language,
            "messages": [],
        }
    messages = ChatMessage.objects.filter(contact_id__in=ids, sender__in=CUSTOMER_VISIBLE)
    for message in messages.order_by("contact_id", "seq"):
        chat = found[message.contact_id].setdefault("chat", {"messages": []})
        chat["messages"].append(
            {
                "from": message.sender,
                "author": message.author_name,
                "text": message.body,
                "at": message.created_at,
            }
        )
    for note in InternalNote.objects.filter(contact_id__in=ids).order_by("created_at"):
        found[note.contact_id].setdefault("notes", []).append(
            {"text": note.body, "at": note.created_at}
        )


def _emails(contacts: list[dict[str, Any]], ids: list[int]) -> list[MailAttachment]:
    found = _by_id(contacts)
    for mail in MailMessage.objects.filter(contact_id__in=ids).order_by("created_at"):
        if mail.contact_id is None:
            continue
        found[mail.contact_id].setdefault("emails", []).append(
            {
                "direction": mail.direction,
                "from": mail.from_address,
                "to": mail.to_address,
                "subject": mail.subject,
                "text": mail.text,
                "at": mail.sent_at or mail.created_at,
                "attachments": [a.filename for a in mail.attachments.all()],
            }
        )
    return list(MailAttachment.objects.filter(message__contact_id__in=ids).order_by("id"))


def _calls_and_surveys(contacts: list[dict[str, Any]], ids: list[int]) -> None:
    found = _by_id(contacts)
    for call in Call.objects.filter(contact_id__in=ids):
        found[call.contact_id]["call"] = {
            "caller": call.caller,
            "started_at": call.created_at,
            "answered_at": call.answered_at,
            "ended_at": call.ended_at,
        }
    for answer in SurveyAnswer.objects.filter(invitation__contact_id__in=ids).select_related(
        "invitation"
    ):
        found[answer.invitation.contact_id]["survey"] = {
            "answered_at": answer.answered_at,
            "agent_csat": answer.agent_csat,
            "company_csat": answer.company_csat,
            "nps": answer.nps,
            "effort": answer.effort,
            "resolved": answer.resolved,
            "comment": answer.comment,
        }
