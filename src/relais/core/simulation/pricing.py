"""Prices from elsewhere (a partner's contract, an internal site's loaded cost) put on the
agent groups of a scenario whose file does not price them: the file's own price wins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from relais.core.simulation.labels import label
from relais.core.simulation.scenario import GroupPrice, Scenario

__all__ = ["price_source", "prices_filled"]


def prices_filled(scenario: Scenario, prices: Mapping[str, GroupPrice]) -> Scenario:
    """The scenario with `prices[group]` on each group the file leaves unpriced."""
    agents = tuple(
        replace(group, price=prices[group.name])
        if group.price is None and group.name in prices
        else group
        for group in scenario.agents
    )
    return replace(scenario, agents=agents)


def price_source(price: GroupPrice, lang: str = "en") -> str:
    """Where the price came from, in `lang`: "scenario file", "contract ATL-2026 v2", …"""
    return label(f"origin_{price.origin}", lang).format(reference=price.reference)
