from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RouterConfig(AppConfig):
    """The router service: the live engine over the contacts, its runner and its command.

    It has no models: queues are configured in `relais.apps.routing` (below the contacts),
    contacts and decisions are recorded in `relais.apps.interactions`.
    """

    name = "relais.apps.router"
    label = "router"
    verbose_name = _("Router")
