"""Forecast, staffing and schedule services: the numbers of relais.core, audited, in local time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.wfm import services
from relais.apps.wfm.models import ForecastRun, Schedule, StaffingPlan
from relais.core.queueing import StaffingTargets, required_agents
from relais.core.wfm.scheduling import SolverSettings
from tests.apps.conftest import World
from tests.apps.wfm.fixtures import WEEK, history_csv, open_weekdays

FAST = SolverSettings(max_seconds=3, num_workers=1, warmstart_seconds=0.5, deterministic=True)


def flat_forecast(world: World, site_key: str = "lille", volume: float = 100) -> ForecastRun:
    site = getattr(world, site_key)
    open_weekdays(site)
    return services.forecast_run_create(
        actor=world.users["planner"],
        site=site,
        queue="orders",
        history_csv=history_csv(site.time_zone, volume=volume),
        horizon_start=WEEK,
        horizon_days=7,
        methods=["seasonal_naive", "seasonal_average_4w"],
    )


def test_a_forecast_covers_the_open_intervals_and_is_audited(world: World) -> None:
    run = flat_forecast(world, volume=40)

    forecast = list(run.values.filter(is_history=False))
    assert run.method in {"seasonal_naive", "seasonal_average_4w"}
    assert len(forecast) == 5 * 24  # Monday to Friday, 08:00-20:00 in half-hours
    assert {row.volume for row in forecast} == {40}
    assert run.values.filter(is_history=True).exists()
    assert AuditEntry.objects.filter(action="wfm.forecast_run.create").count() == 1


def test_an_unknown_method_is_refused(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        services.forecast_run_create(
            actor=None,
            site=world.lille,
            queue="orders",
            history_csv=history_csv("Europe/Paris"),
            methods=["crystal_ball"],
        )
    assert refused.value.code == "unknown_method"


def test_erlang_c_staffing_equals_the_queueing_core(world: World) -> None:
    # 100 calls per 30 min, AHT 180 s, 80 % in 20 s, occupancy <= 85 %, shrinkage 30 %:
    # 14 agents on the phones, 20 positions (pyworkforce's published case)
    run = flat_forecast(world)

    plan = services.staffing_plan_create(
        actor=world.users["planner"], forecast=run, max_occupancy=0.85, shrinkage=0.3
    )

    expected = required_agents(
        volume=100,
        aht_s=180,
        targets=StaffingTargets(service_level=0.8, threshold_s=20, max_occupancy=0.85),
        shrinkage=0.3,
    )
    rows = list(plan.rows.all())
    assert len(rows) == 120
    assert {(r.required_agents, r.scheduled_agents) for r in rows} == {(14, 20)}
    assert expected.agents == 14
    assert rows[0].service_level == pytest.approx(expected.service_level)
    assert AuditEntry.objects.filter(action="wfm.staffing_plan.create").count() == 1


def test_erlang_a_staffing_equals_the_queueing_core(world: World) -> None:
    run = flat_forecast(world)

    plan = services.staffing_plan_create(
        actor=None, forecast=run, model="erlang_a", patience_s=300, shrinkage=0.0
    )

    expected = required_agents(
        volume=100,
        aht_s=180,
        targets=StaffingTargets(service_level=0.8, threshold_s=20),
        patience_s=300,
    )
    row = plan.rows.first()
    assert row is not None
    assert row.required_agents == expected.agents
    assert row.abandonment == pytest.approx(expected.abandonment_probability)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"model": "erlang_a"}, "invalid_targets"),  # no patience
        ({"service_level": 1.5}, "invalid_targets"),
        ({"shrinkage": 1.0}, "invalid_targets"),
        ({"max_occupancy": 0.0}, "invalid_targets"),
    ],
)
def test_bad_targets_are_refused_and_save_nothing(
    world: World, fields: dict[str, object], code: str
) -> None:
    run = flat_forecast(world)

    with pytest.raises(RelaisError) as refused:
        services.staffing_plan_create(actor=None, forecast=run, **fields)  # type: ignore[arg-type]

    assert refused.value.code == code
    assert StaffingPlan.objects.count() == 0


def test_a_small_schedule_follows_the_site_local_time(world: World) -> None:
    # Rabat opens 08:00-20:00 *local* time (UTC+1 in June), Lille 08:00-20:00 Paris (UTC+2)
    for key in ("rabat", "lille"):
        run = flat_forecast(world, key, volume=6)
        services.staffing_plan_create(actor=None, forecast=run, shrinkage=0.0)

    schedule = services.schedule_create(
        actor=world.users["planner"],
        week_start=WEEK,
        sites=[world.rabat, world.lille],
        settings=FAST,
    )

    shifts = list(schedule.shifts.select_related("site"))
    assert shifts
    assert {shift.site.name for shift in shifts} <= {"Rabat", "Lille"}
    for shift in shifts:
        zone = zoneinfo.ZoneInfo(shift.site.time_zone)
        local_start, local_end = shift.start.astimezone(zone), shift.end.astimezone(zone)
        assert dt.time(8) <= local_start.time(), shift
        assert local_end.time() <= dt.time(20), shift
        assert local_start.date().weekday() < 5
    rabat = [s for s in shifts if s.site.name == "Rabat"]
    if rabat:  # 08:00 in Rabat is 07:00 UTC in June: never at 06:00 UTC like Paris
        assert min(s.start.astimezone(dt.UTC).time() for s in rabat) >= dt.time(7)
    assert schedule.bound <= schedule.objective + 1e-6
    assert AuditEntry.objects.filter(action="wfm.schedule.create").count() == 1


def test_a_schedule_needs_a_staffing_plan(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        services.schedule_create(actor=None, week_start=WEEK, sites=[world.lille], settings=FAST)

    assert refused.value.code == "no_staffing"
    assert Schedule.objects.count() == 0


def test_ramadan_override_is_validated_and_audited(world: World) -> None:
    planner = world.users["planner"]
    with pytest.raises(RelaisError) as refused:
        services.site_calendar_override_set(
            actor=planner,
            site=world.rabat,
            observes_ramadan=True,
            ramadan_days={"1446": ["2025-03-02", "2025-02-01"]},
        )
    assert refused.value.code == "invalid_ramadan_days"

    override = services.site_calendar_override_set(
        actor=planner,
        site=world.rabat,
        observes_ramadan=True,
        ramadan_days={"1446": ["2025-03-02", "2025-03-30"]},
    )

    assert override.ramadan_days == {"1446": ["2025-03-02", "2025-03-30"]}
    assert AuditEntry.objects.filter(action="wfm.site_calendar.update").count() == 1


def test_ramadan_days_shorten_the_scheduled_days_of_a_morocco_site(world: World) -> None:
    from relais.apps.wfm import calendars, rostering

    services.site_calendar_override_set(
        actor=None,
        site=world.rabat,
        observes_ramadan=None,  # by country: Morocco observes it
        ramadan_days={"1446": ["2025-03-02", "2025-03-30"]},
        ramadan_max_paid_hours=6,
    )
    week = rostering.week_of(dt.date(2025, 2, 24), [world.rabat])

    days = rostering._days(world.rabat, week)

    assert calendars.observes_ramadan(world.rabat)
    assert 5 not in days or days[5].max_paid is None  # Saturday 1 March: not yet Ramadan
    assert days[6].max_paid == 24  # Sunday 2 March, first day as observed: 6 h
