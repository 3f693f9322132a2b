"""The planning pages read their figures from wfm.reports: the charts in the one chart module's
format (static/relais/charts.js), the staffing plan's figures, French numbers on the page."""

from __future__ import annotations

import json
import re

from django.test import Client
from django.utils import translation

from relais.apps.wfm import reports, services
from tests.apps.conftest import World
from tests.apps.wfm.test_services import flat_forecast


def test_the_staffing_chart_and_figures_come_from_the_plan(world: World) -> None:
    # given 100 contacts per half-hour, 14 agents needed and 20 positions (see test_services)
    run = flat_forecast(world)
    plan = services.staffing_plan_create(
        actor=world.users["planner"], forecast=run, max_occupancy=0.85, shrinkage=0.3
    )

    with translation.override("en"):
        chart = reports.staffing_chart(plan)
    with translation.override("fr"):
        french = reports.staffing_chart(plan)
    figures = reports.staffing_figures(plan)

    assert len(chart["categories"]) == 120
    assert chart["categories"][0] == "2025-06-02 08:00"  # the site's local clock
    assert french["categories"][0] == "02/06/2025 08:00"  # as a French reader writes it
    required, scheduled, contacts = chart["series"]
    assert set(required["values"]) == {14}
    assert required["step"] == "end"
    assert set(scheduled["values"]) == {20}
    assert contacts["axis"] == 1
    assert set(contacts["values"]) == {100}
    assert (figures.peak_required, figures.peak_scheduled, figures.contacts) == (14, 20, 12_000)
    assert figures.lowest_service_level == plan.rows.first().service_level


def test_the_forecast_page_shows_its_figures_in_french(world: World) -> None:
    run = flat_forecast(world, volume=40)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.users["planner"])

    html = client.get(f"/planning/forecasts/{run.pk}/").content.decode()

    chart = json.loads(re.search(r'id="forecast-series"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [s["name"] for s in chart["series"]] == ["Historique", "Prévision"]
    total = re.search(r'data-testid="forecast-total".*?kpi-value">([^<]*)<', html, re.S).group(1)
    assert total == "4\u202f800"  # 120 intervals of 40 contacts, French thousands
    assert 'data-testid="no-staffing-plan"' in html  # an empty state that says what to do
