from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "relais.apps.satisfaction"
    label = "satisfaction"
    verbose_name = _("Customer satisfaction")

    def ready(self) -> None:
        from relais.apps.satisfaction.keypad import KeypadDesk
        from relais.apps.voice.keypad import survey_desk_set

        survey_desk_set(KeypadDesk())  # the voice service asks callers the survey through it
