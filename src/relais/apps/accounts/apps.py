from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "relais.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from relais.apps.accounts.sockets import connect_receivers

        connect_receivers()  # sockets end with the session (accounts/sockets.py)
