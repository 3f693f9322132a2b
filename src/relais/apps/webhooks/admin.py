"""Administrators manage webhook subscriptions and read (and replay) their deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.apps.accounts.permissions import is_administrator
from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.webhooks.catalogue import WebhookEvent
from relais.apps.webhooks.models import WebhookDelivery, WebhookSubscription
from relais.apps.webhooks.services import delivery_replay


class AdministratorsOnly:
    """Only administrators see or change webhooks, whatever Django permissions say."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    url = forms.URLField(label=gettext_lazy("address"), assume_scheme="https", max_length=500)

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "partner", "secret", "active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AdministratorsOnly, AuditedModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "url", "partner", "active", "created_at"]
    list_filter = ["active", "partner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user) and super().has_delete_permission(request, obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Read-only: what was sent, how each attempt went; the replay action sends again."""

    list_display = [
        "delivery_id",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event", "subscription"]
    search_fields = ["delivery_id"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Replay the chosen deliveries"))
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        if not is_administrator(request.user):
            return
        count = 0
        for delivery in queryset:
            delivery_replay(actor=request.user, delivery=delivery)  # type: ignore[arg-type]
            count += 1
        self.message_user(
            request, _("%(count)s deliveries sent again.") % {"count": count}, messages.SUCCESS
        )
