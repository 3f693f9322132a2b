from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.voice.models import AgentLine, Number


@admin.register(Number)
class NumberAdmin(AuditedModelAdmin):
    list_display = ["number", "label", "queue", "language", "active"]
    list_filter = ["language", "active", "queue"]
    search_fields = ["number", "label"]


@admin.register(AgentLine)
class AgentLineAdmin(AuditedModelAdmin):
    list_display = ["agent", "kind", "static_contact"]
    list_filter = ["kind"]
    raw_id_fields = ["agent"]
