"""French: Django's (06/12/2026, 14:05, 1 234,5), with a narrow no-break space (U+202F) between
thousands, as French typography and the filters of relais.apps.l10n write them."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
