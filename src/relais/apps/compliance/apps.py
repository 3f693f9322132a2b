from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "relais.apps.compliance"
    label = "compliance"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from relais.apps.compliance.retention import retention_duty
        from relais.apps.realtime.duties import duty_register

        if settings.RETENTION_EVERY_S > 0:
            duty_register("gdpr.retention", settings.RETENTION_EVERY_S, retention_duty)
