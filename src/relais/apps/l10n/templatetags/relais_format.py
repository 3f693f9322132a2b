"""French and English figures in templates: ``{% load relais_format %}`` (docs/i18n.md).

    {{ summary.service_level|percent }}        0.924 → 92,4 % / 92.4%
    {{ line.adherence_pct|percent_points }}    92.4  → 92,4 % / 92.4%
    {{ volume|decimal:1 }}                     1234.56 → 1 234,6 / 1,234.6
    {{ seconds_in_state|clock }}               125 → 02:05
    {{ handling_seconds|duration }}            3900 → 1 h 05 min
    {{ shift.start|day }}                      06/12/2026 / 2026-12-06
    {{ run.created_at|day_time }}              06/12/2026 14:05 / 2026-12-06 14:05
    {{ sentence|typography }}                  « Prêt ? » with narrow no-break spaces

Each uses the active language; a missing figure shows ``—``. Datetimes are shown in the
current time zone (the viewer's, set by the middleware).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from relais.apps.l10n import formatting

register = template.Library()


@register.filter
def percent(ratio: object, digits: int = 1) -> str:
    return formatting.percent(ratio, int(digits), language=get_language())


@register.filter
def percent_points(points: object, digits: int = 1) -> str:
    return formatting.percent_points(points, int(digits), language=get_language())


@register.filter
def decimal(value: object, digits: int = 1) -> str:
    return formatting.decimal(value, int(digits), language=get_language())


@register.filter
def clock(seconds: object) -> str:
    return formatting.clock(seconds)


@register.filter
def duration(seconds: object) -> str:
    return formatting.duration(seconds, language=get_language())


def _local(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value if isinstance(value, dt.date) else None


@register.filter
def day(value: object) -> str:
    return formatting.day(_local(value), language=get_language())


@register.filter
def day_time(value: object) -> str:
    local = _local(value)
    if not isinstance(local, dt.datetime):
        return formatting.day(local, language=get_language())
    return formatting.day_time(local, language=get_language())


@register.filter(is_safe=True)
def typography(text: object) -> str:
    """Safe text stays safe (the spaces added are plain characters); other text is escaped
    by the template as usual."""
    result = formatting.typography(str(text), language=get_language())
    return mark_safe(result) if isinstance(text, SafeString) else result  # noqa: S308
