"""Web chat: topics offered by the widget, chat sessions, their messages, canned responses."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Queue

MAX_BODY_CHARS = 2000


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ChatLanguage(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class ChatTopic(models.Model):
    """What the customer chooses in the pre-chat form; it decides the queue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_fr = models.CharField(_("label in French"), max_length=120)
    label_en = models.CharField(_("label in English"), max_length=120)
    queue = models.ForeignKey(
        Queue, verbose_name=_("chat queue"), on_delete=models.PROTECT, related_name="+"
    )
    message_queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue for left messages"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("An e-mail queue; empty: the first active e-mail queue."),
    )
    callback_queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue for callbacks"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A callback queue; empty: the first active callback queue."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chat topic")
        verbose_name_plural = _("chat topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "fr").startswith("fr") else self.label_en


class ChatSession(models.Model):
    """The customer's side of a chat contact: who they said they are, and their token.

    Only the token's hash is stored; the customer's browser holds the token itself."""

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="chat",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    customer_name = models.CharField(_("customer name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=ChatLanguage.choices, default=ChatLanguage.FRENCH
    )
    topic = models.ForeignKey(
        ChatTopic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_seq = models.PositiveIntegerField(_("last message number"), default=0)
    customer_left_at = models.DateTimeField(_("customer left at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")
        indexes = [models.Index(fields=["email"], name="chat_session_email")]

    def __str__(self) -> str:
        return f"chat #{self.contact_id}"


class Sender(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")
    SUPERVISOR_NOTE = "supervisor_note", _("Supervisor note")
    SUPERVISOR = "supervisor", _("Supervisor")


#: What the customer may see of a conversation.
CUSTOMER_VISIBLE = (Sender.CUSTOMER, Sender.AGENT, Sender.SYSTEM, Sender.SUPERVISOR)


class SystemEvent(models.TextChoices):
    AGENT_JOINED = "agent_joined", _("Agent joined")
    TRANSFERRED = "transferred", _("Transferred")
    CUSTOMER_LEFT = "customer_left", _("Customer left")
    CHAT_ENDED = "chat_ended", _("Chat ended")
    SUPERVISOR_JOINED = "supervisor_joined", _("Supervisor joined")


class ChatMessage(models.Model):
    """One line of a conversation, numbered per contact (`seq`) in commit order.

    `client_id` is chosen by the sender's browser: a resend after a reconnect finds the
    message already stored and is acknowledged again without a second row."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="messages"
    )
    seq = models.PositiveIntegerField(_("number"))
    sender = models.CharField(_("sender"), max_length=16, choices=Sender.choices)
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(
        _("author's name as shown"), max_length=120, blank=True, help_text=_("A first name.")
    )
    event = models.CharField(_("event"), max_length=24, choices=SystemEvent.choices, blank=True)
    body = models.TextField(_("body"), max_length=MAX_BODY_CHARS, blank=True)
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["contact", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "seq"], name="chat_message_seq"),
            models.UniqueConstraint(
                fields=["contact", "sender", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_message_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.contact_id}.{self.seq} {self.sender}"


class CannedResponse(models.Model):
    """A ready-made answer for a queue (or every queue) in one language."""

    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every queue."),
    )
    language = models.CharField(_("language"), max_length=2, choices=ChatLanguage.choices)
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("body"), max_length=MAX_BODY_CHARS)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
