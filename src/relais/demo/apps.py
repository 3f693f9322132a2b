from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: its company, queues and shop page, and the traffic generator; no models."""

    name = "relais.demo"
    label = "demo"
    verbose_name = _("Demo")
