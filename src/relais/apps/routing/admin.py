from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill
from relais.apps.routing.services import queue_configuration_changed


class QueueSkillInline(admin.TabularInline):
    model = QueueSkill
    extra = 0


class OverflowStepInline(admin.StackedInline):
    model = OverflowStep
    extra = 0
    filter_horizontal = ["sites", "partners"]
    # set live from the wallboard, with a reason (routing.services.overflow_step_override)
    readonly_fields = ["override", "override_by", "override_at", "override_reason"]


@admin.register(Queue)
class QueueAdmin(AuditedModelAdmin):
    list_display = ["code", "name_fr", "channel", "language", "priority", "strategy", "active"]
    list_filter = ["channel", "strategy", "active"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [QueueSkillInline, OverflowStepInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The queue, its skills and steps saved: the router reads them again."""
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            queue_configuration_changed(actor=request.user, queue=form.instance)  # type: ignore[arg-type]
