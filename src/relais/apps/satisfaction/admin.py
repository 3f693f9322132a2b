from django.contrib import admin

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.satisfaction.models import SurveyPolicy


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(AuditedModelAdmin):
    list_display = ("queue", "active", "sampling_percent", "quiet_days", "attribution")
