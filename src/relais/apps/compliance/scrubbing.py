"""What erasing one kind of a customer's data does, for a set of ended contacts. Erasure
(gdpr/erasure.py) runs every kind; retention (gdpr/retention.py) runs one kind on the contacts
past its rule. Rows and timestamps stay, so counts, durations and KPIs do not change: only
what a person wrote or said, and what identifies them, is blanked or deleted.

Each function returns how many rows it changed (or would change, with `dry_run`), and only
counts rows that still hold something: running it again changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.db.models import Q, QuerySet

from relais.apps.chat.models import ChatMessage, Sender
from relais.apps.compliance.models import DataKind
from relais.apps.desktop.models import HelpMessage, InternalNote, WrapUp
from relais.apps.email.models import MailAttachment, MailMessage, MailThread
from relais.apps.email.storage import attachment_path
from relais.apps.quality.models import Dispute, Evaluation
from relais.apps.voice.models import Call

Scrubber = Callable[..., int]


def _blank(queryset: QuerySet, fields: dict[str, object], dry_run: bool) -> int:
    """Set `fields` on the rows where any of them still differs; their count."""
    holding = Q()
    for name, value in fields.items():
        holding |= ~Q(**{name: value})
    changed = queryset.filter(holding)
    return changed.count() if dry_run else changed.update(**fields)


def transcripts_scrub(contact_ids: Collection[int], *, dry_run: bool = False) -> int:
    """Chat messages' texts and the customer's name on them (the rows stay: their count and
    times), internal notes, wrap-up
    comments and the agents' help requests about these contacts."""
    return (
        _blank(ChatMessage.objects.filter(contact_id__in=contact_ids), {"body": ""}, dry_run)
        + _blank(
            ChatMessage.objects.filter(contact_id__in=contact_ids, sender=Sender.CUSTOMER),
            {"author_name": ""},
            dry_run,
        )
        + _blank(InternalNote.objects.filter(contact_id__in=contact_ids), {"body": ""}, dry_run)
        + _blank(WrapUp.objects.filter(contact_id__in=contact_ids), {"comment": ""}, dry_run)
        + _blank(
            HelpMessage.objects.filter(thread__contact_id__in=contact_ids), {"body": ""}, dry_run
        )
    )


def attachments_scrub(contact_ids: Collection[int], *, dry_run: bool = False) -> int:
    """E-mail attachments: the files and their rows."""
    attachments = MailAttachment.objects.filter(message__contact_id__in=contact_ids)
    if dry_run:
        return attachments.count()
    count = 0
    for attachment in attachments:
        attachment_path(attachment.stored_as).unlink(missing_ok=True)
        attachment.delete()
        count += 1
    return count


def emails_scrub(contact_ids: Collection[int], *, dry_run: bool = False) -> int:
    """E-mails' subjects and texts (the messages stay, with their times and direction)."""
    return _blank(
        MailMessage.objects.filter(contact_id__in=contact_ids),
        {"subject": "", "text": "", "html": ""},
        dry_run,
    ) + _blank(MailThread.objects.filter(contact_id__in=contact_ids), {"subject": ""}, dry_run)


def calls_scrub(contact_ids: Collection[int], *, dry_run: bool = False) -> int:
    """Call data: the caller's number and the SIP dialog (which carries it); the call's
    times stay. (Relais records no call audio today: nothing else to delete.)"""
    return _blank(
        Call.objects.filter(contact_id__in=contact_ids), {"caller": "", "dialog": {}}, dry_run
    )


def evaluations_scrub(contact_ids: Collection[int], *, dry_run: bool = False) -> int:
    """Evaluations' comments and disputes' texts; their scores stay (the quality figures)."""
    evaluations = Evaluation.objects.filter(contact_id__in=contact_ids)
    return _blank(evaluations, {"comment": ""}, dry_run) + _blank(
        Dispute.objects.filter(evaluation__in=evaluations), {"reason": "", "decision": ""}, dry_run
    )


SCRUBBERS: dict[DataKind, Scrubber] = {
    DataKind.TRANSCRIPTS: transcripts_scrub,
    DataKind.ATTACHMENTS: attachments_scrub,
    DataKind.EMAILS: emails_scrub,
    DataKind.CALLS: calls_scrub,
    DataKind.EVALUATIONS: evaluations_scrub,
}
