"""Relais's own number and date formats per language (settings.FORMAT_MODULE_PATH), over
Django's: French groups thousands with a narrow no-break space (U+202F), as the filters of
relais.apps.l10n do; English dates are ISO (yyyy-mm-dd). docs/i18n.md."""
