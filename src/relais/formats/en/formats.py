"""English: Django's, with ISO short dates (2026-12-06): no month-first or day-first doubt."""

from django.conf.locale.en.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
