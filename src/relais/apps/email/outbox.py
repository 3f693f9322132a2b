"""Delivery of the outbox through the configured SMTP relay, from the queue's address.

A message is delivered under a lock of its row (two workers never send it twice). A relay
that refuses for now (a connection lost, a 4xx) leaves it `failed`, shown to the agent, and
tried again with a growing delay (`BACKOFF_S`, then doubled, up to `BACKOFF_MAX_S`), never
given up; a permanent refusal of the recipient (5xx) marks it `bounced`. The job that calls
these is in jobs.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.apps.email.models import MailMessage, SendState
from relais.apps.email.storage import attachment_path

logger = logging.getLogger("relais.email")

BACKOFF_S = 30
BACKOFF_MAX_S = 3600
DUE_STATES = (SendState.PENDING, SendState.FAILED)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … up to an hour."""
    return dt.timedelta(seconds=min(BACKOFF_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def mime_of(message: MailMessage) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = formataddr((message.from_name, message.from_address))
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Message-ID"] = message.message_id
    mime["Date"] = format_datetime(message.created_at)
    if message.in_reply_to:
        mime["In-Reply-To"] = message.in_reply_to
    if message.references:
        mime["References"] = message.references
    mime.set_content(message.text)
    mime.add_alternative(f"<!doctype html><html><body>{message.html}</body></html>", subtype="html")
    for attachment in message.attachments.all():
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment_path(attachment.stored_as).read_bytes(),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return mime


def _relay_send(mime: EmailMessage) -> None:
    host, _, port = settings.MAIL_RELAY.rpartition(":")
    with smtplib.SMTP(host, int(port), timeout=30) as relay:
        if settings.MAIL_RELAY_STARTTLS:
            relay.starttls()
        if settings.MAIL_RELAY_USER:
            relay.login(settings.MAIL_RELAY_USER, settings.MAIL_RELAY_PASSWORD)
        relay.send_message(mime)


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return (
        isinstance(error, smtplib.SMTPResponseException)
        and error.smtp_code >= 500
        and (isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError))
    )


def outbox_deliver(message_id: int, now: dt.datetime | None = None) -> str:
    """Try to deliver one message of the outbox (at `now`, the job's time); returns its
    state afterwards ("" when nothing was due)."""
    with transaction.atomic():
        message = (
            MailMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state__in=DUE_STATES)
            .first()
        )
        if message is None:  # sent, or in another worker's hands
            return ""
        now = now or timezone.now()
        message.attempts += 1
        try:
            _relay_send(mime_of(message))
        except (OSError, smtplib.SMTPException) as error:
            permanent = _permanent(error)
            message.state = SendState.BOUNCED if permanent else SendState.FAILED
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            message.next_attempt_at = None if permanent else now + backoff(message.attempts)
            logger.warning("e-mail %s not sent (%s)", message.pk, message.last_error)
        else:
            message.state = SendState.SENT
            message.sent_at = now
            message.last_error = ""
            message.next_attempt_at = None
        message.save(
            update_fields=["attempts", "state", "last_error", "next_attempt_at", "sent_at"]
        )
        return message.state


def outbox_due(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        MailMessage.objects.filter(state__in=DUE_STATES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:200]
    )


def outbox_deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Deliver every message whose attempt is due; returns how many ended in each state."""
    ended: dict[str, int] = {}
    for message_id in outbox_due(now):
        state = outbox_deliver(message_id, now)
        if state:
            ended[state] = ended.get(state, 0) + 1
    return ended


def next_attempt() -> dt.datetime | None:
    """When the outbox's next retry falls due (None: nothing waits)."""
    return (
        MailMessage.objects.filter(state__in=DUE_STATES)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
