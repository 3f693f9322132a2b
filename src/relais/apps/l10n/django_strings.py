"""Django's own strings that Relais writes with French typography: Relais's catalogue comes
before Django's (LOCALE_PATHS), so its translation wins. Django's French puts a wide no-break
space before a form label's colon; French typography wants a narrow one (docs/i18n.md)."""

from django.utils.translation import gettext_noop

#: The suffix of every form label (django.forms.BaseForm.label_suffix).
LABEL_SUFFIX = gettext_noop(":")
