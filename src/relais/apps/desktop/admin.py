from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.desktop.models import WrapUpReason


@admin.register(WrapUpReason)
class WrapUpReasonAdmin(AuditedModelAdmin):
    list_display = ["code", "label_fr", "label_en", "order", "active"]
