"""Comparison figures: sums that add up, unknown stays unknown, intervals from Wilson."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from relais.core.kpi import KpiSummary
from relais.core.sourcing.figures import LineFigures, Proportion, from_summary


def test_measured_figures_follow_the_kpi_definitions() -> None:
    contacts = KpiSummary(
        offered=100,
        answered=90,
        answered_within_target=72,
        abandoned=10,
        abandoned_after_target=6,
        handled=90,
        answered_wait_seconds=900.0,
        talk_seconds=18_000.0,
        wrap_up_seconds=2_700.0,
    )
    time = KpiSummary(handling_state_seconds=20_700.0, available_seconds=6_900.0)

    figures = from_summary(contacts, time, csat=(40, 50), fcr=(60, 80))

    assert figures.service_level.value == 72 / 96 == contacts.service_level
    assert figures.abandonment.value == 10 / 100 == contacts.abandonment_rate
    assert figures.average_speed_of_answer == 10.0
    assert figures.average_handling_time == 230.0
    assert figures.occupancy == 20_700 / 27_600
    assert figures.csat.value == 0.8
    assert figures.fcr.value == 0.75
    assert figures.resolved == 67.5


def test_an_unknown_figure_is_none_not_zero() -> None:
    figures = LineFigures(offered=10, handled=10)

    assert figures.service_level.value is None
    assert figures.service_level.interval is None
    assert figures.average_handling_time is None
    assert figures.occupancy is None
    assert figures.cost_per_resolved(Decimal(100)) is None
    assert figures.cost_per_handled(None) is None


def test_costs_per_handled_and_per_resolved_contact() -> None:
    figures = LineFigures(handled=200, fcr_resolved=3, fcr_judged=4)

    assert figures.cost_per_handled(Decimal("1000.00")) == Decimal(5)
    assert figures.cost_per_resolved(Decimal("1000.00")) == Decimal(1000) / Decimal(150)


def test_the_interval_is_wilsons() -> None:
    low, high = Proportion(80, 100).interval  # type: ignore[misc]

    assert round(low, 4) == 0.7112
    assert round(high, 4) == 0.8666


counters = st.integers(min_value=0, max_value=10_000)


@given(st.lists(st.tuples(counters, counters, counters), min_size=1, max_size=6))
def test_lines_add_up_to_the_figures_of_their_union(parts: list[tuple[int, int, int]]) -> None:
    lines = [
        LineFigures(
            handled=handled,
            sl_within=min(within, handled),
            sl_counted=handled,
            csat_satisfied=min(within, satisfied),
            csat_responses=satisfied,
        )
        for handled, within, satisfied in parts
    ]
    total = LineFigures()
    for line in lines:
        total = total + line

    assert total.handled == sum(line.handled for line in lines)
    assert total.service_level.successes == sum(line.sl_within for line in lines)
    assert total.csat.n == sum(line.csat_responses for line in lines)
