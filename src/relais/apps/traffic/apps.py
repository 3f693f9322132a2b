from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrafficConfig(AppConfig):
    name = "relais.apps.traffic"
    label = "traffic"
    verbose_name = _("Demo traffic")
