from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.privacy.models import MaskingPolicy


@admin.register(MaskingPolicy)
class MaskingPolicyAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "site",
        "partner",
        "mask_surname",
        "mask_email",
        "mask_phone",
        "mask_address",
    ]
    list_select_related = ["site", "partner"]
