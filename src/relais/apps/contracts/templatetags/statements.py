from django import template

from relais.apps.contracts.wording import unit_label

register = template.Library()


@register.filter
def pricing_unit(unit: str) -> str:
    return unit_label(unit)
