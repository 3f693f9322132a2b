"""Crisis modes, prepared in advance and switched on or off from /crisis/ (docs/crisis.md).

A mode holds what changes at once when it is on: the widget and phone-menu messages, the
queues closed or given exceptional opening hours, the public articles shown first, and the
text of a blocking briefing. `previous` keeps the queues' values from before it was switched
on, so that switching it off restores them exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from relais.apps.knowledge.models import Article
from relais.apps.routing.models import Queue, validate_hours


class CrisisMode(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    widget_message_fr = models.CharField(_("widget message in French"), max_length=500)
    widget_message_en = models.CharField(_("widget message in English"), max_length=500)
    phone_message_fr = models.CharField(
        _("phone-menu message in French"), max_length=500, blank=True
    )
    phone_message_en = models.CharField(
        _("phone-menu message in English"), max_length=500, blank=True
    )
    briefing_text = models.TextField(
        _("blocking briefing"),
        max_length=5000,
        help_text=_("Sent to the agents of every affected queue when the mode is switched on."),
    )
    articles = models.ManyToManyField(
        Article, verbose_name=_("public articles shown first"), blank=True, related_name="+"
    )
    on = models.BooleanField(_("on"), default=False)
    switched_at = models.DateTimeField(_("switched at"), null=True, blank=True)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    briefing = models.ForeignKey(
        "briefings.Briefing",
        verbose_name=_("briefing sent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    previous = models.JSONField(_("values before switching on"), default=dict, blank=True)

    class Meta:
        verbose_name = _("crisis mode")
        verbose_name_plural = _("crisis modes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["on"], condition=models.Q(on=True), name="one_crisis_mode_on"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def widget_message(self, language: str | None = None) -> str:
        fr = (language or get_language() or "fr").startswith("fr")
        return self.widget_message_fr if fr else self.widget_message_en


class CrisisQueueChange(models.Model):
    """What the mode does to one queue: close it, or open it on exceptional hours."""

    mode = models.ForeignKey(
        CrisisMode, verbose_name=_("crisis mode"), on_delete=models.CASCADE, related_name="changes"
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    close = models.BooleanField(_("close the queue"), default=False)
    opening_hours = models.TextField(
        _("exceptional opening hours"),
        blank=True,
        validators=[validate_hours],
        help_text=_("One period a line, e.g. mon-fri 10:00-16:00; empty: the queue's own."),
    )

    class Meta:
        verbose_name = _("queue change")
        verbose_name_plural = _("queue changes")
        ordering = ["mode", "queue"]
        constraints = [
            models.UniqueConstraint(fields=["mode", "queue"], name="one_change_per_queue")
        ]

    def __str__(self) -> str:
        return f"{self.mode} · {self.queue.code}"
