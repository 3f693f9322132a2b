from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcingConfig(AppConfig):
    name = "relais.apps.sourcing"
    label = "sourcing"
    verbose_name = _("Sourcing")

    def ready(self) -> None:
        from relais.apps.simulation.prices import prices_wanted
        from relais.apps.sourcing.simulation_prices import scenario_prices

        prices_wanted.connect(scenario_prices, dispatch_uid="sourcing.scenario_prices")
