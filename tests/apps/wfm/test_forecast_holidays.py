"""A site's public holidays in its forecasts: what it says, else what its history shows."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from relais.apps.audit.models import AuditEntry
from relais.apps.wfm import calendars, services
from relais.apps.wfm.models import ForecastRun
from tests.apps.conftest import World, logged_in
from tests.apps.wfm.fixtures import history_csv, open_weekdays

# Four weeks of history on weekdays, 1 and 8 May worked; Ascension (Thursday 29 May)
# has no past occurrence in it.
FIRST = dt.date(2025, 4, 28)
ASCENSION = dt.date(2025, 5, 29)


def _forecast(world: World) -> ForecastRun:
    open_weekdays(world.lille)
    return services.forecast_run_create(
        actor=world.users["planner"],
        site=world.lille,
        queue="orders",
        history_csv=history_csv("Europe/Paris", volume=30, days=26, first=FIRST),
        horizon_start=dt.date(2025, 5, 26),
        horizon_days=5,
        methods=["seasonal_naive", "seasonal_average_4w"],
    )


def _days(run: ForecastRun) -> dict[dt.date, float]:
    zone = zoneinfo.ZoneInfo("Europe/Paris")
    totals: dict[dt.date, float] = {}
    for row in run.values.filter(is_history=False):
        day = row.start.astimezone(zone).date()
        totals[day] = totals.get(day, 0.0) + row.volume
    return totals


def test_a_holiday_never_seen_closed_is_forecast_like_its_weekday(world: World) -> None:
    run = _forecast(world)

    assert _days(run)[ASCENSION] == _days(run)[dt.date(2025, 5, 28)] == 24 * 30
    audit = AuditEntry.objects.get(action="wfm.forecast_run.create")
    assert audit.changes["holidays"] == {str(ASCENSION): {"closed": False, "reason": "never_seen"}}
    # The calendar used for rosters is unchanged: holidays stay closed there.
    assert not calendars.calendar_of(world.lille, ASCENSION, ASCENSION).day(ASCENSION).is_open


def test_a_site_that_says_it_closes_on_holidays_is_forecast_closed(world: World) -> None:
    services.site_calendar_override_set(
        actor=world.users["planner"],
        site=world.lille,
        observes_ramadan=None,
        ramadan_days={},
        closes_on_public_holidays=True,
    )

    run = _forecast(world)

    assert ASCENSION not in _days(run)
    assert len(_days(run)) == 4
    audit = AuditEntry.objects.get(action="wfm.forecast_run.create")
    assert audit.changes["holidays"][str(ASCENSION)] == {"closed": True, "reason": "declared"}


def test_the_calendar_api_reads_and_sets_the_holiday_policy(world: World) -> None:
    client = logged_in(world.users["planner"])
    url = f"/api/v1/wfm/sites/{world.lille.pk}/calendar"

    assert client.get(url).json()["closes_on_public_holidays"] is None
    answer = client.put(
        url,
        {"observes_ramadan": None, "ramadan_days": {}, "closes_on_public_holidays": False},
        content_type="application/json",
    )

    assert answer.status_code == 200
    assert answer.json()["closes_on_public_holidays"] is False
    assert AuditEntry.objects.filter(action="wfm.site_calendar.update").count() == 1
