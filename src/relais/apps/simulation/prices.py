"""Prices a scenario's file leaves out, from apps above this one.

A group without `[agents.price]` is priced by whoever answers the `prices_wanted` signal
(apps/sourcing: the partner's contract version valid on the scenario's date, or the internal
site's loaded cost per hour); a price written in the file always wins. The run records each
price and where it came from (`summary.result_summary`, "prices").
"""

from __future__ import annotations

from collections.abc import Mapping

from django.dispatch import Signal

from relais.apps.simulation.validation import parse_toml
from relais.core.simulation import GroupPrice, Scenario, prices_filled

#: Sent with `scenario` (the core's Scenario); each receiver answers {group name: GroupPrice}.
prices_wanted = Signal()


def scenario_priced(scenario: Scenario) -> Scenario:
    """The scenario with the prices the receivers give its unpriced groups."""
    prices: dict[str, GroupPrice] = {}
    for _receiver, answer in prices_wanted.send(sender=Scenario, scenario=scenario):
        if not isinstance(answer, Mapping):
            continue
        for group, price in answer.items():
            prices.setdefault(group, price)
    return prices_filled(scenario, prices)


def parse_priced(text: str, *, source: str = "scenario") -> Scenario:
    """`parse_toml`, then the prices the file leaves out."""
    return scenario_priced(parse_toml(text, source=source))
