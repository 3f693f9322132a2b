from django import template

from relais.apps.contracts.wording import line_wording, unit_label

register = template.Library()


@register.filter
def pricing_unit(unit: str) -> str:
    return unit_label(unit)


@register.filter
def line_label(label: str) -> str:
    return line_wording(label)
