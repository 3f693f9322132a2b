from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill


class QueueSkillInline(admin.TabularInline):
    model = QueueSkill
    extra = 0


class OverflowStepInline(admin.StackedInline):
    model = OverflowStep
    extra = 0
    filter_horizontal = ["sites", "partners"]


@admin.register(Queue)
class QueueAdmin(AuditedModelAdmin):
    list_display = ["code", "name_fr", "channel", "language", "priority", "strategy", "active"]
    list_filter = ["channel", "strategy", "active"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [QueueSkillInline, OverflowStepInline]
