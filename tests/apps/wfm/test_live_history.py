"""Forecasting from the queue's own contacts recorded in Relais (the default), per half-hour;
the CSV stays an option; the page offers the queues by name and reads French dates."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Queue
from relais.apps.wfm import services
from relais.apps.wfm.history import observations_from_contacts
from relais.apps.wfm.models import ForecastRun
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.fixtures import WEEK, open_weekdays

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_contacts_are_counted_per_interval_with_empty_ones_at_zero() -> None:
    first = dt.datetime(2025, 6, 2, 8, 0, tzinfo=PARIS)
    contacts = [
        (first + dt.timedelta(minutes=5), 200.0),
        (first + dt.timedelta(minutes=29), 100.0),
        (first + dt.timedelta(minutes=31), None),  # not handled (abandoned)
        (first - dt.timedelta(minutes=1), 50.0),  # before the window: left out
    ]

    observations = observations_from_contacts(
        contacts, first=first, end=first + dt.timedelta(hours=2)
    )

    assert [o.volume for o in observations] == [2, 1, 0, 0]
    assert [o.aht_seconds for o in observations] == [150.0, None, None, None]
    assert observations[1].start == first + dt.timedelta(minutes=30)


def record_contacts(queue: Queue, site: object, *, per_half_hour: int = 4) -> None:
    """Three weeks of weekdays 08:00-20:00, a few contacts each half-hour, handled 3 min."""
    rows = []
    for offset in range(21):
        day = WEEK - dt.timedelta(days=21 - offset)
        if day.weekday() >= 5:
            continue
        for slot in range(24):
            start = dt.datetime.combine(day, dt.time(8), tzinfo=PARIS) + dt.timedelta(
                minutes=30 * slot
            )
            for number in range(per_half_hour):
                arrived = start + dt.timedelta(minutes=5 * number)
                accepted = arrived + dt.timedelta(seconds=20)
                rows.append(
                    Contact(
                        channel=queue.channel,
                        queue=queue,
                        priority=0,
                        state=ContactState.CLOSED,
                        created_at=arrived,
                        accepted_at=accepted,
                        closed_at=accepted + dt.timedelta(seconds=180),
                        site=site,
                    )
                )
    Contact.objects.bulk_create(rows)


def test_a_forecast_learns_from_the_queue_own_history(world: World) -> None:
    open_weekdays(world.lille)
    queue = orders_queue(world)
    record_contacts(queue, world.lille)

    run = services.forecast_run_from_live(
        actor=world.users["planner"],
        site=world.lille,
        queue=queue,
        horizon_start=WEEK,
        horizon_days=5,
        methods=["seasonal_naive"],
        today=WEEK,
    )

    forecast = list(run.values.filter(is_history=False))
    assert run.queue == "orders"
    assert len(forecast) == 5 * 24
    assert {round(row.volume) for row in forecast} == {4}
    assert {round(row.aht_seconds or 0) for row in forecast} == {180}
    entry = AuditEntry.objects.get(action="wfm.forecast_run.create")
    assert entry.changes["history"] == "live"


def test_a_queue_without_contacts_says_so(world: World) -> None:
    queue = orders_queue(world)
    with pytest.raises(RelaisError) as refused:
        services.forecast_run_from_live(
            actor=world.users["planner"], site=world.lille, queue=queue, today=WEEK
        )
    assert refused.value.code == "no_live_history"
    assert ForecastRun.objects.count() == 0


def test_the_page_offers_queues_by_name_and_forecasts_from_live_history(world: World) -> None:
    open_weekdays(world.lille)
    queue = orders_queue(world)
    record_contacts(queue, world.lille)
    client = logged_in(world.users["planner"])  # French

    page = client.get("/planning/").content.decode()
    assert f'<option value="{queue.pk}">Commandes</option>' in page
    assert 'placeholder="jj/mm/aaaa"' in page

    response = client.post(
        "/planning/forecasts/",
        {
            "site": world.lille.pk,
            "queue": queue.pk,
            "source": "live",
            "horizon_start": "02/06/2030",  # after today: no history that far
            "horizon_days": 7,
        },
    )
    assert response.status_code == 400  # the last 8 weeks before today hold no contact
    assert "Aucun contact de la file" in response.content.decode()

    response = client.post(
        "/planning/forecasts/",
        {"site": world.lille.pk, "queue": queue.pk, "source": "csv", "horizon_days": 7},
    )
    assert response.status_code == 400
    assert "Choisissez le fichier d’historique" in response.content.decode()

    response = client.post(
        "/planning/forecasts/",
        {
            "site": world.lille.pk,
            "queue": queue.pk,
            "source": "live",
            "horizon_start": "31/31/2025",
        },
    )
    assert response.status_code == 400
    assert "Saisissez une date au format jj/mm/aaaa" in response.content.decode()
    assert ForecastRun.objects.count() == 0
