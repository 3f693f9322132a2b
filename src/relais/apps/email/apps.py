from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailConfig(AppConfig):
    name = "relais.apps.email"
    label = "email"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        from relais.apps.email.jobs import SWEEP_EVERY_S, outbox_sweep
        from relais.apps.realtime.duties import duty_register

        duty_register("email.outbox", SWEEP_EVERY_S, outbox_sweep)
