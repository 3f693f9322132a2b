from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    name = "relais.apps.gdpr"
    label = "gdpr"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from relais.apps.gdpr.retention import retention_duty
        from relais.apps.realtime.duties import duty_register

        if settings.RETENTION_EVERY_S > 0:
            duty_register("gdpr.retention", settings.RETENTION_EVERY_S, retention_duty)
