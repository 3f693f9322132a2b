from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class L10nConfig(AppConfig):
    name = "relais.apps.l10n"
    label = "l10n"
    verbose_name = _("French and English formatting")
