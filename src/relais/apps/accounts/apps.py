from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "relais.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from relais.apps.accounts import signin_audit, sockets

        sockets.connect_receivers()  # sockets end with the session (accounts/sockets.py)
        signin_audit.connect_receivers()  # sign-ins audited (accounts/signin_audit.py)
