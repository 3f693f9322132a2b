"""What the sourcing comparison needs besides the event log: the loaded cost of an internal
site's hours, and the daily figures a partner keeping its own systems reports (docs/sourcing.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner, Site
from relais.apps.routing.models import Queue


class LoadedCost(models.Model):
    """What one productive hour of an internal site costs the company, over a period."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="loaded_costs"
    )
    per_hour = models.DecimalField(
        _("loaded cost per productive hour"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )

    class Meta:
        verbose_name = _("loaded cost")
        verbose_name_plural = _("loaded costs")
        ordering = ["site__name", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["site", "valid_from"], name="one_cost_start_per_site"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="cost_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.per_hour} {self.currency}/h ({self.valid_from})"


class ImportChannel(models.TextChoices):
    PAGE = "page", _("Upload page")
    API = "api", _("API")
    COMMAND = "command", _("Command line")


class ReportedImport(models.Model):
    """One import of a partner's reported figures: who, how, and what was read or skipped."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=8, choices=ImportChannel.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    lines = models.PositiveIntegerField(_("lines read"), default=0)
    stored = models.PositiveIntegerField(_("days stored"), default=0)
    skipped = models.PositiveIntegerField(_("lines skipped"), default=0)
    malformed = models.JSONField(_("malformed lines"), default=list, blank=True)

    class Meta:
        verbose_name = _("reported figures import")
        verbose_name_plural = _("reported figures imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} {self.imported_at:%Y-%m-%d %H:%M}"


class ReportedDay(models.Model):
    """A partner's own figures for one day and queue, as reported, not measured by Relais.
    A later import of the same day and queue replaces them (the import is recorded)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    imported = models.ForeignKey(
        ReportedImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="days"
    )
    offered = models.PositiveIntegerField(_("offered"))
    handled = models.PositiveIntegerField(_("handled"))
    abandoned = models.PositiveIntegerField(_("abandoned"))
    service_level = models.DecimalField(
        _("service level (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    asa_seconds = models.DecimalField(
        _("ASA (s)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    aht_seconds = models.DecimalField(
        _("AHT (s)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    hours = models.DecimalField(
        _("productive hours"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    csat_responses = models.PositiveIntegerField(_("survey answers"), null=True, blank=True)
    csat_satisfied = models.PositiveIntegerField(_("satisfied answers"), null=True, blank=True)
    fcr_judged = models.PositiveIntegerField(_("contacts judged for FCR"), null=True, blank=True)
    fcr_resolved = models.PositiveIntegerField(
        _("resolved at first contact"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("reported day")
        verbose_name_plural = _("reported days")
        ordering = ["partner__name", "day", "queue__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "queue", "day"], name="one_reported_day_per_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.queue} {self.day}"
