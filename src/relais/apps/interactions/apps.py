from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "relais.apps.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from relais.apps.interactions.services import contacts_due
        from relais.apps.realtime.duties import duty_register

        duty_register("interactions.contacts_due", 2.0, contacts_due)
