from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "relais.apps.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from relais.apps.audit.services import audit_anchor_duty
        from relais.apps.realtime.duties import duty_register

        if settings.AUDIT_ANCHOR_EVERY_S > 0:
            duty_register("audit.anchor", settings.AUDIT_ANCHOR_EVERY_S, audit_anchor_duty)
