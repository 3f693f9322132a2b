"""Webhook subscriptions, their deliveries, and where the feed stands in the event log."""

from __future__ import annotations

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner
from relais.apps.webhooks.catalogue import WebhookEvent


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def validate_events(value: object) -> None:
    known = set(WebhookEvent.values)
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise ValidationError(
            _("Choose events among %(known)s."), params={"known": ", ".join(sorted(known))}
        )


class WebhookSubscription(models.Model):
    """Where the client's system wants to hear of contact events; a partner's subscription
    hears only of its partner's contacts."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(
        _("address"), max_length=500, help_text=_("The receiver's https:// address.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("Shared with the receiver, which checks each delivery's signature."),
    )
    events = models.JSONField(_("events"), default=list, validators=[validate_events])
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this partner's contacts; empty: every contact."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(models.Model):
    """One event sent to one subscription, with every attempt's outcome. Its id stays the
    same across retries and replays: the receiver ignores an id it has already handled."""

    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    log_id = models.BigIntegerField(_("event log line"))
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "log_id"], name="one_delivery_per_event_and_subscription"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.delivery_id})"


class WebhookFeed(models.Model):
    """The feed's place in the event log (one row): the last line read and the gaps it
    still waits for (interactions.cursor), kept so that a restart misses nothing."""

    last_id = models.BigIntegerField(_("last event read"), default=0)
    gaps = models.JSONField(_("gaps"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook feed")
        verbose_name_plural = _("webhook feeds")

    def __str__(self) -> str:
        return f"webhook feed at {self.last_id}"
