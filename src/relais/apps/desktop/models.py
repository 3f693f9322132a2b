"""The agent desktop's record: wrap-ups, notes, help threads (masking: apps/privacy).

Its numbered event stream (`DeskCursor`, `DeskEvent`) is defined below the channels, in
`relais.apps.deskstream.models`, and registered with this app (label `desktop`, same tables).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Loaded with this module, so that Django registers the stream's models with the desktop app.
from relais.apps.deskstream.models import DeskCursor, DeskEvent  # noqa: F401
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent


class WrapUpReason(models.Model):
    """Why a contact ended (the outcome an agent must choose before closing it)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_fr = models.CharField(_("label in French"), max_length=120)
    label_en = models.CharField(_("label in English"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("wrap-up reason")
        verbose_name_plural = _("wrap-up reasons")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "fr").startswith("fr") else self.label_en


class WrapUp(models.Model):
    """The outcome of a handled contact, chosen by its agent."""

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="wrap_up",
    )
    reason = models.ForeignKey(
        WrapUpReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("wrap-up")
        verbose_name_plural = _("wrap-ups")

    def __str__(self) -> str:
        return f"#{self.contact_id}: {self.reason_id}"


class InternalNote(models.Model):
    """A note on a contact for colleagues; the customer never sees it."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT
    )
    body = models.TextField(_("body"), max_length=2000)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"note #{self.pk} on #{self.contact_id}"


class HelpThread(models.Model):
    """An agent's instant-message thread with their supervisors."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help thread")
        verbose_name_plural = _("help threads")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"help #{self.pk} ({self.agent_id})"


class HelpMessage(models.Model):
    thread = models.ForeignKey(
        HelpThread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT
    )
    body = models.TextField(_("body"), max_length=2000)
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("help message")
        verbose_name_plural = _("help messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "author", "client_id"],
                condition=~models.Q(client_id=""),
                name="help_message_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"help message #{self.pk}"


class BroadcastRead(models.Model):
    """An agent marked a supervision broadcast as read: it leaves their desktop's list.

    `broadcast_id` is the number of `supervision.Broadcast` (an app above this one), as the
    desktop's stream carries it in `supervision.broadcast` events."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    broadcast_id = models.PositiveIntegerField(_("broadcast"))
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("broadcast read")
        verbose_name_plural = _("broadcasts read")
        constraints = [
            models.UniqueConstraint(fields=["agent", "broadcast_id"], name="broadcast_read_once")
        ]

    def __str__(self) -> str:
        return f"broadcast {self.broadcast_id} read by {self.agent_id}"
