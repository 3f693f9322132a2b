"""Who is connected: one row per WebSocket connection that holds a lease (docs/presence.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaseKind(models.TextChoices):
    DESK = "desk", _("Agent desktop")  # subject: the agent's id
    CHAT = "chat", _("Customer chat")  # subject: the contact's id


class Connection(models.Model):
    """A connection of an agent's desktop or a customer's chat, from open to close.

    The process that holds it marks it seen every heartbeat (`settings.LEASE_HEARTBEAT_S`);
    a connection not seen for three heartbeats belongs to a process that died, and counts as
    lost since it was last seen. `hidden` and `goodbye` are what the page said last: hidden
    (a phone switched to another app), or closing for good."""

    kind = models.CharField(_("kind"), max_length=8, choices=LeaseKind.choices)
    subject_id = models.BigIntegerField(_("subject"))
    channel_name = models.CharField(_("channel name"), max_length=120, unique=True)
    process = models.CharField(_("process"), max_length=64)
    opened_at = models.DateTimeField(_("opened at"))
    seen_at = models.DateTimeField(_("seen at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    hidden = models.BooleanField(_("page hidden"), default=False)
    goodbye = models.BooleanField(_("said goodbye"), default=False)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        indexes = [
            models.Index(fields=["kind", "subject_id"], name="connection_subject"),
            models.Index(fields=["process", "closed_at"], name="connection_process"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} ({'closed' if self.closed_at else 'open'})"
