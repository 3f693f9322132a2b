"""What supervisors change live: overflow overrides and broadcasts to agents.

Every change is also in the audit log, with who, when and why (`reason`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.routing.models import OverflowStep


class OverflowOverride(models.Model):
    """A supervisor opened (or closed) an overflow step now, whatever its delay and hours.

    open: the step's targets are eligible for every contact of the queue from now on;
    closed: they are not, until the override is lifted. The router reads it when it builds
    the queue's configuration (see docs/supervision.md, "What the router must read").
    """

    step = models.OneToOneField(
        OverflowStep,
        verbose_name=_("overflow step"),
        on_delete=models.CASCADE,
        related_name="supervision_override",
    )
    is_open = models.BooleanField(_("open"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"))
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("overflow override")
        verbose_name_plural = _("overflow overrides")

    def __str__(self) -> str:
        return f"{self.step}: {'open' if self.is_open else 'closed'}"


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
