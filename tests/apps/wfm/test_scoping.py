"""Who sees and plans what: planners everything, a partner manager their sites (404 elsewhere),
a supervisor their teams' sites read-only, an agent their own shifts."""

from __future__ import annotations

import pytest

from relais.apps.errors import RelaisError
from relais.apps.wfm import selectors, services
from relais.apps.wfm.models import ForecastRun
from tests.apps.conftest import World, logged_in
from tests.apps.wfm.fixtures import WEEK, history_csv, open_weekdays, planned_site


@pytest.fixture
def plans(world: World) -> dict[str, dict]:
    return {
        key: planned_site(world, getattr(world, key))
        for key in ("lille", "rabat", "bucarest", "home")
    }


def test_a_planner_sees_every_site(world: World, plans: dict[str, dict]) -> None:
    runs = selectors.forecast_run_list(viewer=world.users["planner"])

    assert {run.site.name for run in runs} == {"Lille", "Rabat", "Bucarest", "Domicile"}


def test_a_partner_manager_sees_only_their_partner_sites(
    world: World, plans: dict[str, dict]
) -> None:
    manager = world.users["partner_manager"]

    assert {r.site.name for r in selectors.forecast_run_list(viewer=manager)} == {"Rabat"}
    assert {p.site.name for p in selectors.staffing_plan_list(viewer=manager)} == {"Rabat"}
    assert list(selectors.schedule_list(viewer=manager)) == [plans["rabat"]["schedule"]]
    with pytest.raises(RelaisError) as refused:
        selectors.forecast_run_get(viewer=manager, run_id=plans["bucarest"]["run"].pk)
    assert refused.value.status == 404


def test_a_partner_manager_gets_404_on_another_partners_site(
    world: World, plans: dict[str, dict]
) -> None:
    client = logged_in(world.users["partner_manager"])
    bucarest = plans["bucarest"]

    assert client.get(f"/api/v1/wfm/forecasts/{bucarest['run'].pk}").status_code == 404
    assert client.get(f"/planning/forecasts/{bucarest['run'].pk}/").status_code == 404
    assert client.get(f"/planning/staffing/{bucarest['plan'].pk}/").status_code == 404
    assert client.get(f"/planning/schedules/{bucarest['schedule'].pk}/").status_code == 404
    posted = client.post(
        "/api/v1/wfm/forecasts",
        {"site_id": world.bucarest.pk, "queue": "orders", "history_csv": "start,volume\n"},
        content_type="application/json",
    )
    assert posted.status_code == 404
    assert posted.json()["code"] == "not_found"


def test_a_partner_manager_plans_their_own_site(world: World) -> None:
    open_weekdays(world.rabat)

    run = services.forecast_run_create(
        actor=world.users["partner_manager"],
        site=world.rabat,
        queue="orders",
        history_csv=history_csv("Africa/Casablanca"),
        horizon_start=WEEK,
        methods=["seasonal_naive"],
    )

    assert run.created_by == world.users["partner_manager"]


def test_a_supervisor_reads_their_site_but_does_not_plan(
    world: World, plans: dict[str, dict]
) -> None:
    supervisor = world.users["supervisor"]

    assert {r.site.name for r in selectors.forecast_run_list(viewer=supervisor)} == {"Lille"}
    with pytest.raises(RelaisError) as refused:
        services.forecast_run_create(
            actor=supervisor, site=world.lille, queue="orders", history_csv=history_csv("UTC")
        )
    assert refused.value.code == "planning_not_allowed"
    with pytest.raises(RelaisError) as hidden:
        selectors.plannable_site_get(viewer=supervisor, site_id=world.rabat.pk)
    assert hidden.value.status == 404
    assert ForecastRun.objects.count() == 4


def test_an_agent_sees_only_their_own_shifts(world: World) -> None:
    rabat = planned_site(world, world.rabat, agents=2)
    agent = world.users["agent"]  # rabat0

    mine = list(selectors.my_shift_list(viewer=agent))
    in_schedule = list(selectors.shift_list(viewer=agent, schedule=rabat["schedule"]))

    assert [s.agent.user for s in mine] == [agent]
    assert [s.agent.user for s in in_schedule] == [agent]
    assert list(selectors.forecast_run_list(viewer=agent)) == []
    page = logged_in(agent).get("/planning/my-schedule/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="my-shift"') == 1


def test_the_gantt_shows_local_times_and_the_time_zone(
    world: World, plans: dict[str, dict]
) -> None:
    client = logged_in(world.users["planner"])

    html = client.get(f"/planning/schedules/{plans['rabat']['schedule'].pk}/").content.decode()

    assert "Africa/Casablanca" in html
    assert "08:00–16:00" in html  # the shift starts at 08:00 Rabat time (07:00 UTC)


def test_adherence_explains_when_no_state_is_logged(world: World, plans: dict[str, dict]) -> None:
    client = logged_in(world.users["planner"])

    html = client.get(f"/planning/schedules/{plans['lille']['schedule'].pk}/adherence/")

    assert html.status_code == 200
    assert 'data-testid="no-state-log"' in html.content.decode()


def test_adherence_reads_the_router_state_changes(world: World, plans: dict[str, dict]) -> None:
    import datetime as dt

    from relais.apps.interactions.models import ContactEvent, EventKind
    from relais.apps.wfm.reports import schedule_adherence

    shift = plans["lille"]["shifts"][0]
    ContactEvent.objects.create(
        at=shift.start,
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=shift.agent,
        data={"state": "available", "reason": None},
        by_router=True,
    )
    ContactEvent.objects.create(
        at=shift.start + dt.timedelta(hours=4),
        kind=EventKind.AGENT_STATE_CHANGED,
        agent=shift.agent,
        data={"state": "offline", "reason": None},
        by_router=True,
    )

    report = schedule_adherence(viewer=world.users["planner"], schedule=plans["lille"]["schedule"])

    assert report.has_state_log
    assert report.agents[0].adherence_pct == pytest.approx(50.0)
    assert report.sites[0].label == "Lille"
