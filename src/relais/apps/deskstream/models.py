"""The agents' desk stream: one numbered event stream per agent, below the channels.

The models belong to the `desktop` app (label, tables and migrations in
`relais.apps.desktop`) but are defined here, so that the router and the channels (chat)
append to an agent's stream without knowing the desktop's pages; `relais.apps.desktop.models`
imports them, which registers them when Django loads the desktop app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent


class DeskCursor(models.Model):
    """The last event number given to an agent's desktop; locked to number the next one."""

    agent = models.OneToOneField(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, primary_key=True
    )
    last_seq = models.PositiveBigIntegerField(_("last event number"), default=0)

    class Meta:
        app_label = "desktop"
        verbose_name = _("desktop cursor")
        verbose_name_plural = _("desktop cursors")

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.last_seq}"


class DeskEvent(models.Model):
    """One event sent to an agent's desktop, numbered 1, 2, 3… per agent in commit order.

    `key` makes recording idempotent (e.g. the same offer seen by two open tabs)."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    seq = models.PositiveBigIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=32)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.CharField(_("key"), max_length=80, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        app_label = "desktop"
        verbose_name = _("desktop event")
        verbose_name_plural = _("desktop events")
        ordering = ["agent", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "seq"], name="desk_event_seq"),
            models.UniqueConstraint(
                fields=["agent", "key"], condition=~models.Q(key=""), name="desk_event_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}.{self.seq} {self.kind}"
