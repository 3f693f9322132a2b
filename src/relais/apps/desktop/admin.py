from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.desktop.models import MaskingPolicy, WrapUpReason


@admin.register(WrapUpReason)
class WrapUpReasonAdmin(AuditedModelAdmin):
    list_display = ["code", "label_fr", "label_en", "order", "active"]


@admin.register(MaskingPolicy)
class MaskingPolicyAdmin(AuditedModelAdmin):
    list_display = ["site", "mask_email", "mask_surname"]
