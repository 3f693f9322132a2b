"""History CSV: every bad line is refused with its code and line, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.wfm import services
from relais.apps.wfm.history import parse_history
from relais.apps.wfm.models import ForecastInterval, ForecastRun
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.fixtures import history_csv

GOOD = "start,volume,aht_seconds\n2025-06-02T08:00:00+02:00,12,200\n2025-06-02T08:30:00+02:00,9,\n"


def test_a_good_file_gives_utc_observations_and_the_interval() -> None:
    interval, observations = parse_history(GOOD, time_zone="Europe/Paris")

    assert interval == dt.timedelta(minutes=30)
    assert observations[0].start == dt.datetime(2025, 6, 2, 6, 0, tzinfo=dt.UTC)
    assert observations[0].aht_seconds == 200
    assert observations[1].aht_seconds is None


def test_a_start_without_offset_is_read_in_the_site_local_time() -> None:
    _, observations = parse_history(
        "start;volume\n2025-06-02 08:00;3\n", time_zone="Africa/Casablanca"
    )

    assert observations[0].start == dt.datetime(2025, 6, 2, 7, 0, tzinfo=dt.UTC)


BAD_FILES = {
    "history_missing_column": "start,calls\n2025-06-02T08:00:00+02:00,3\n",
    "history_bad_date": "start,volume\n2025-06-02T08:00:00+02:00,3\n02/06/2025 08:30,4\n",
    "history_bad_volume": "start,volume\n2025-06-02T08:00:00+02:00,-3\n",
    "history_bad_aht": "start,volume,aht_seconds\n2025-06-02T08:00:00+02:00,3,abc\n",
    "history_duplicate_interval": "start,volume\n2025-06-02T08:00:00+02:00,3\n"
    "2025-06-02T06:00:00+00:00,4\n",
    "history_irregular": "start,volume\n2025-06-02T08:00:00+02:00,3\n2025-06-02T08:07:00+02:00,4\n",
    "history_empty": "start,volume\n",
}


@pytest.mark.parametrize("code", list(BAD_FILES))
def test_bad_files_are_refused_with_a_stable_code(code: str) -> None:
    with pytest.raises(RelaisError) as refused:
        parse_history(BAD_FILES[code], time_zone="Europe/Paris")

    assert refused.value.code == code
    assert refused.value.message


def test_the_message_names_the_line() -> None:
    with pytest.raises(RelaisError) as refused:
        parse_history(BAD_FILES["history_bad_date"], time_zone="Europe/Paris")

    assert "3" in refused.value.message
    assert "02/06/2025 08:30" in refused.value.message


@pytest.mark.parametrize("code", list(BAD_FILES))
def test_a_bad_file_saves_nothing(world: World, code: str) -> None:
    audit_before = AuditEntry.objects.count()

    with pytest.raises(RelaisError):
        services.forecast_run_create(
            actor=world.users["planner"],
            site=world.lille,
            queue="orders",
            history_csv=BAD_FILES[code],
        )

    assert ForecastRun.objects.count() == 0
    assert ForecastInterval.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_the_api_answers_400_with_code_and_message_and_saves_nothing(world: World) -> None:
    client = logged_in(world.users["planner"])
    body = {
        "site_id": world.lille.pk,
        "queue": "orders",
        "history_csv": BAD_FILES["history_bad_volume"],
    }

    response = client.post("/api/v1/wfm/forecasts", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "history_bad_volume"
    assert "-3" in response.json()["message"]
    assert ForecastRun.objects.count() == 0


def test_the_page_shows_the_error_and_saves_nothing(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(world.users["planner"])
    upload = SimpleUploadedFile("history.csv", BAD_FILES["history_missing_column"].encode())
    queue = orders_queue(world)

    response = client.post(
        "/planning/forecasts/",
        {
            "site": world.lille.pk,
            "queue": queue.pk,
            "source": "csv",
            "history": upload,
            "horizon_days": 7,
        },
    )

    assert response.status_code == 400
    assert 'data-code="history_missing_column"' in response.content.decode()
    assert ForecastRun.objects.count() == 0


def test_too_short_a_history_is_refused(world: World) -> None:
    with pytest.raises(RelaisError) as refused:
        services.forecast_run_create(
            actor=None,
            site=world.lille,
            queue="orders",
            history_csv=history_csv("Europe/Paris", days=1),
        )

    assert refused.value.code in {"history_too_short", "site_never_open"}
    assert ForecastRun.objects.count() == 0
