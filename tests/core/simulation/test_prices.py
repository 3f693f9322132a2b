"""Prices per agent group: read from TOML, costed by hand, reported and compared (issue 21)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from relais.core.routing import QueueConfig, Site
from relais.core.simulation import (
    AgentGroup,
    Exponential,
    GroupPrice,
    QueueSpec,
    Scenario,
    ScenarioError,
    compare,
    load_scenario,
    render_html_report,
    simulate,
)
from tests.core.simulation.conftest import START
from tests.core.simulation.test_scenario_file import MINIMAL, write

TOTAL = ("total", "", None)


def test_a_group_price_is_read_from_toml(tmp_path: Path) -> None:
    text = MINIMAL + "\n[agents.price]\nper_hour = 28.5\nper_resolved = 4\nresolved_share = 0.7\n"

    (group,) = load_scenario(write(tmp_path, text)).agents

    assert group.price == GroupPrice(per_hour=28.5, per_resolved=4.0, resolved_share=0.7)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("per_resolved = 4", "agents[0].price.resolved_share: missing"),
        ("per_hour = -1", "agents[0].price.per_hour: must be at least 0.0"),
        ("per_handled = 2\nresolved_share = 1.5", "a share is between 0 and 1"),
        ('currency = "MAD"', "agents[0].price.per_hour: missing"),
        ("per_hour = 20\nper_contact = 2", "agents[0].price"),
    ],
)
def test_a_bad_price_is_named(tmp_path: Path, price: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        load_scenario(write(tmp_path, MINIMAL + f"\n[agents.price]\n{price}\n"))


def idle(price: GroupPrice | None, **changes: object) -> Scenario:
    """Three agents logged in for two hours, no traffic."""
    scenario = Scenario(
        name="idle",
        start=START,
        duration_s=7200,
        drain_s=0,
        replications=1,
        sites=(Site("rabat", partner="atlas"),),
        queues=(QueueSpec(QueueConfig("q"), Exponential(60.0), rate_per_hour=0.0),),
        agents=(AgentGroup("atlas", "rabat", 3, price=price),),
    )
    return replace(scenario, **changes)  # type: ignore[arg-type]


def test_hours_are_costed_by_hand() -> None:
    result = simulate(idle(GroupPrice(per_hour=20.0, per_handled=3.0)))

    view = ("group", "atlas", None)
    assert result.values(view, "hours") == [6.0]
    assert result.values(view, "cost") == [120.0]  # 3 agents x 2 h x 20, no contact
    assert result.values(TOTAL, "cost") == [120.0]
    assert result.values(TOTAL, "cost_per_handled") == [None]


def test_contacts_are_costed_per_handled_and_per_resolved(scenario: Scenario) -> None:
    price = GroupPrice(per_handled=2.0, per_resolved=4.0, resolved_share=0.5)
    groups = (scenario.agents[0], replace(scenario.agents[1], price=price))
    result = simulate(replace(scenario, agents=groups), replications=2)

    view = ("group", "rabat", None)
    for handled, cost, per_contact, partner_handled in zip(
        result.values(view, "handled_contacts"),
        result.values(view, "cost"),
        result.values(view, "cost_per_handled"),
        result.values(("partner", "atlas", None), "handled"),
        strict=True,
    ):
        assert handled == partner_handled  # the KPI module's handled, per group
        assert cost == handled * (2.0 + 0.5 * 4.0)
        assert per_contact == pytest.approx(4.0)
    assert result.views("group") == [view]  # the unpriced group is not costed


def test_a_what_if_reports_cost_beside_service_level(scenario: Scenario) -> None:
    priced = (
        replace(scenario.agents[0], price=GroupPrice(per_hour=32.0)),
        replace(scenario.agents[1], price=GroupPrice(per_hour=18.0, per_handled=0.5)),
    )
    base = replace(scenario, agents=priced)
    more_rabat = replace(base, agents=(priced[0], replace(priced[1], count=8)))
    first, second = simulate(base, replications=2), simulate(more_rabat, replications=2)

    difference = compare(first, second).difference(TOTAL, "cost")
    french = render_html_report(first, lang="fr", against=second)
    english = render_html_report(first, lang="en")

    assert difference.mean is not None
    assert difference.mean > 0  # 4 more agents paid by the hour
    assert "Coût par contact traité" in french
    assert "Coûts par groupe d&#x27;agents" in french
    assert "Cost per handled contact" in english
    assert english.index("Abandonment rate") < english.index("Cost per handled contact")
