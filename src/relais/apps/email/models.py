"""E-mail: a queue's address (its mailbox), conversations (threads), the messages received
and sent (the outbox is the sent messages not yet delivered), and their attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Queue


class Mailbox(models.Model):
    """A queue's e-mail address: mail to it becomes contacts of the queue, replies leave
    from it."""

    queue = models.OneToOneField(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="mailbox"
    )
    address = models.EmailField(_("address"), unique=True, help_text=_("In lower case."))
    display_name = models.CharField(_("sender name"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class MailThread(models.Model):
    """One conversation with a customer: every message that answers another joins it. Its
    current contact is the work item; the first-response clock runs on that contact."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="threads"
    )
    customer_address = models.EmailField(_("customer's address"))
    customer_name = models.CharField(_("customer's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("current contact"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    response_due_at = models.DateTimeField(
        _("first response due"),
        null=True,
        blank=True,
        help_text=_("The queue's service level, counted in its opening hours."),
    )
    responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("e-mail conversation")
        verbose_name_plural = _("e-mail conversations")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["contact"], name="one_thread_per_contact")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class MailKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    BOUNCE = "bounce", _("Delivery failure report")
    AUTO_REPLY = "auto_reply", _("Automatic reply")


class MailDirection(models.TextChoices):
    INBOUND = "inbound", _("Received")
    OUTBOUND = "outbound", _("Sent")


class SendState(models.TextChoices):
    RECEIVED = "received", _("Received")
    PENDING = "pending", _("Waiting to be sent")
    FAILED = "failed", _("Not sent yet: retrying")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Returned by the customer's server")


class MailMessage(models.Model):
    """A message received or sent. A sent one is written (state `pending`) before any
    attempt, so that no reply is lost; the outbox job delivers it (outbox.py)."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="messages"
    )
    thread = models.ForeignKey(
        MailThread,
        verbose_name=_("conversation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=16, choices=MailDirection.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=MailKind.choices, default=MailKind.MESSAGE
    )
    message_id = models.CharField(_("Message-ID"), max_length=250)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=250, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(_("from"), max_length=250)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    to_address = models.CharField(_("to"), max_length=250)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML (sanitised)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=SendState.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["mailbox", "message_id"], name="mail_message_id"),
            models.Index(fields=["state", "next_attempt_at"], name="mail_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_id}"


class MailAttachment(models.Model):
    """A file received or sent with a message, stored under the data directory (never the
    web root) and served only to the agent holding its contact."""

    message = models.ForeignKey(
        MailMessage,
        verbose_name=_("e-mail"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    stored_as = models.CharField(_("stored as"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
