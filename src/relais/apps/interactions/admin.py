"""Contacts and the event log are read-only here: they change through the services only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relais.apps.interactions.models import AgentPresence, Contact, ContactEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "queue", "state", "agent", "partner", "created_at"]
    list_filter = ["state", "channel", "queue", "partner"]
    search_fields = ["customer_reference"]


@admin.register(ContactEvent)
class ContactEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "kind", "contact", "agent", "actor", "by_router"]
    list_filter = ["kind", "by_router"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(ReadOnlyAdmin):
    list_display = ["agent", "state", "break_reason", "since"]
    list_filter = ["state"]
