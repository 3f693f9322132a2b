"""What supervisors send live: broadcasts to agents.

Overflow overrides and queue priorities are routing configuration
(`routing.OverflowStep.override`, `routing.Queue.priority`), changed through the routing
services. Every change is also in the audit log, with who, when and why (`reason`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BroadcastTarget(models.TextChoices):
    TEAM = "team", _("Team")
    SITE = "site", _("Site")
    PARTNER = "partner", _("Partner")


class Broadcast(models.Model):
    """A message to every agent of a team, a site or a partner, pushed to their desktops."""

    target_kind = models.CharField(_("to"), max_length=16, choices=BroadcastTarget.choices)
    target_id = models.PositiveIntegerField(_("target"))
    target_label = models.CharField(_("target name"), max_length=120)
    message = models.TextField(_("message"), max_length=2000)
    reason = models.CharField(_("reason"), max_length=500)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(_("recipients"), default=list, help_text=_("Agent ids."))

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_label}: {self.message[:40]}"


class JoinMode(models.TextChoices):
    SILENT = "silent", _("Silently")
    VISIBLE = "visible", _("Visibly")


class ChatJoin(models.Model):
    """A supervisor in an agent's live chat: silently (nobody is told) or visibly (the agent
    and the customer are told, and the supervisor may write)."""

    contact = models.ForeignKey(
        "interactions.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("mode"), max_length=8, choices=JoinMode.choices)
    reason = models.CharField(_("reason"), max_length=500)
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        verbose_name = _("chat join")
        verbose_name_plural = _("chat joins")
        ordering = ["-joined_at", "-id"]

    def __str__(self) -> str:
        return f"{self.supervisor_id} in #{self.contact_id} ({self.mode})"


class AlertAcknowledgement(models.Model):
    """A wallboard alert acknowledged by someone, for every viewer of the same scope (their
    teams, their partner, or the whole organisation). It covers the occurrence that began at
    `since` and any earlier one; a later occurrence shows again (docs/supervision.md)."""

    scope = models.CharField(_("scope"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16)
    key = models.CharField(_("subject key"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    since = models.DateTimeField(_("occurrence since"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("alert acknowledgement")
        verbose_name_plural = _("alert acknowledgements")
        ordering = ["-acknowledged_at", "-id"]
        indexes = [models.Index(fields=["scope", "kind", "key"], name="ack_by_alert")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.scope})"
