"""How long each kind of a customer's data is kept, per queue (docs/privacy.md, "Retention")."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.routing.models import Queue


class DataKind(models.TextChoices):
    TRANSCRIPTS = "transcripts", _("Chat transcripts and notes")
    ATTACHMENTS = "attachments", _("E-mail attachments")
    EMAILS = "emails", _("E-mail texts")
    CALLS = "calls", _("Call data (caller numbers, recordings)")
    EVALUATIONS = "evaluations", _("Evaluation comments")


class RetentionRule(models.Model):
    """Keep `kind` for `days` after a contact ended; a rule without a queue applies to every
    queue without a rule of its own for that kind. No rule: kept."""

    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every queue without a rule of its own."),
    )
    kind = models.CharField(_("data kind"), max_length=16, choices=DataKind.choices)
    days = models.PositiveIntegerField(_("kept for (days)"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind", "queue__code"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "kind"], name="one_retention_per_queue_kind"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(queue__isnull=True),
                name="one_default_retention_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"
