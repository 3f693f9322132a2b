from typing import Any

from django import template

from relais.apps.simulation.access import can_view

register = template.Library()


@register.filter
def may_view_simulation(user: Any) -> bool:
    """For the navigation: whether the simulator's pages exist for this person."""
    return can_view(user)
