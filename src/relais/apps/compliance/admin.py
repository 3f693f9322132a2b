from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.compliance.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedModelAdmin):
    list_display = ["kind", "queue", "days"]
    list_filter = ["kind"]
