from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "relais.apps.chat"
    label = "chat"
    verbose_name = _("Web chat")

    def ready(self) -> None:
        from relais.apps.chat.liveness import SWEEP_EVERY_S, customers_gone_abandon
        from relais.apps.realtime.duties import duty_register

        duty_register("chat.customers_gone", SWEEP_EVERY_S, customers_gone_abandon)
