"""Modes are prepared in advance by directors and administrators, in the admin (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.audit.services import audit_record
from relais.apps.crisis.access import may_switch
from relais.apps.crisis.models import CrisisMode, CrisisQueueChange


class CrisisQueueChangeInline(admin.TabularInline):
    model = CrisisQueueChange
    extra = 1


@admin.register(CrisisMode)
class CrisisModeAdmin(AuditedModelAdmin):
    list_display = ("name", "on", "switched_at")
    filter_horizontal = ("articles",)
    inlines = (CrisisQueueChangeInline,)
    readonly_fields = ("on", "switched_at", "switched_by", "briefing", "previous")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_switch(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_switch(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_switch(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_switch(request.user) and not (obj is not None and obj.on)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_switch(request.user) and not (obj is not None and obj.on)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            changed = [str(f.instance) for f in formset.forms if f.has_changed()]
            deleted = [str(obj) for obj in formset.deleted_objects]
            if changed or deleted:
                audit_record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="crisismode.admin_queue_changes",
                    obj=form.instance,
                    changes={"saved": changed, "deleted": deleted},
                )
