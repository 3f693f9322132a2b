"""History CSV: malformed lines skipped and named below the planner's tolerance, the file
refused above it (or when it cannot be read at all) with a stable code, and nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.wfm import services
from relais.apps.wfm.history import parse_history
from relais.apps.wfm.models import ForecastInterval, ForecastRun
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue
from tests.apps.wfm.fixtures import history_csv, open_weekdays


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages in English (the French ones: test_the_reasons_are_in_french…)."""
    with translation.override("en"):
        yield


GOOD = "start,volume,aht_seconds\n2025-06-02T08:00:00+02:00,12,200\n2025-06-02T08:30:00+02:00,9,\n"


def test_a_good_file_gives_utc_observations_and_the_interval() -> None:
    interval, observations, report = parse_history(GOOD, time_zone="Europe/Paris")

    assert report.lines == 2
    assert report.skipped == 0
    assert interval == dt.timedelta(minutes=30)
    assert observations[0].start == dt.datetime(2025, 6, 2, 6, 0, tzinfo=dt.UTC)
    assert observations[0].aht_seconds == 200
    assert observations[1].aht_seconds is None


def test_a_start_without_offset_is_read_in_the_site_local_time() -> None:
    _, observations, _ = parse_history(
        "start;volume\n2025-06-02 08:00;3\n", time_zone="Africa/Casablanca"
    )

    assert observations[0].start == dt.datetime(2025, 6, 2, 7, 0, tzinfo=dt.UTC)


BAD_FILES = {
    "history_missing_column": "start,calls\n2025-06-02T08:00:00+02:00,3\n",
    "history_malformed": "start,volume\n2025-06-02T08:00:00+02:00,3\n02/06/2025 08:30,4\n",
    "history_irregular": "start,volume\n2025-06-02T08:00:00+02:00,3\n2025-06-02T08:07:00+02:00,4\n",
    "history_empty": "start,volume\n",
    "history_unreadable": "début,volume\n".encode("latin-1"),
}


@pytest.mark.parametrize("code", list(BAD_FILES))
def test_bad_files_are_refused_with_a_stable_code(code: str) -> None:
    with pytest.raises(RelaisError) as refused:
        parse_history(BAD_FILES[code], time_zone="Europe/Paris")

    assert refused.value.code == code
    assert refused.value.message


#: A good history of 360 half-hours (lines 2 to 361), and the lines to break in it.
BROKEN_LINES = {
    5: "02/06/2025 08:30,4,180",  # a date that is not ISO
    40: "2025-05-13T09:00:00+02:00 12 180",  # spaces for commas: one field
    100: "2025-05-19T10:00:00+02:00,-3,180",  # a negative volume
    200: "2025-05-23T09:07:00+02:00,4,180",  # off the half-hours
}


def _broken(lines: dict[int, str]) -> str:
    rows = history_csv("Europe/Paris").splitlines()
    for line, text in lines.items():
        rows[line - 1] = text
    return "\n".join(rows) + "\n"


def test_malformed_lines_below_the_tolerance_are_skipped_and_named() -> None:
    _, observations, report = parse_history(
        _broken(BROKEN_LINES), time_zone="Europe/Paris", tolerance=0.02
    )

    assert report.lines == 360
    assert [bad.line for bad in report.malformed] == [5, 40, 100, 200]
    assert len(observations) == 356
    assert "02/06/2025 08:30" in report.malformed[0].reason
    assert "-3" in report.malformed[2].reason
    assert "30-minute" in report.malformed[3].reason


def test_malformed_lines_above_the_tolerance_refuse_the_file_naming_them() -> None:
    with pytest.raises(RelaisError) as refused:
        parse_history(_broken(BROKEN_LINES), time_zone="Europe/Paris")  # 0.1 %: none of 360

    assert refused.value.code == "history_malformed"
    message = refused.value.message
    assert "4 malformed lines out of 360" in message
    for line in BROKEN_LINES:
        assert f"line {line}:" in message


def test_a_duplicate_interval_is_a_malformed_line() -> None:
    rows = history_csv("Europe/Paris").splitlines()
    rows.insert(10, rows[9].replace("+02:00", "+02:00"))

    _, observations, report = parse_history(
        "\n".join(rows), time_zone="Europe/Paris", tolerance=0.01
    )

    assert report.malformed[0].line == 11
    assert "appears twice" in report.malformed[0].reason
    assert len(observations) == 360


def test_a_line_that_is_not_utf8_is_a_malformed_line() -> None:
    content = _broken({7: "2025-05-12T11:00:00+02:00,4,180 é"}).encode("latin-1")

    _, _, report = parse_history(content, time_zone="Europe/Paris", tolerance=0.01)

    assert report.malformed[0].line == 7
    assert report.malformed[0].reason == "not UTF-8 text"


def test_a_tolerance_beyond_half_the_lines_is_refused() -> None:
    with pytest.raises(RelaisError) as refused:
        parse_history(GOOD, time_zone="Europe/Paris", tolerance=0.6)

    assert refused.value.code == "invalid_tolerance"


def test_the_reasons_are_in_french_for_a_french_planner() -> None:
    with translation.override("fr"):
        with pytest.raises(RelaisError) as refused:
            parse_history(_broken(BROKEN_LINES), time_zone="Europe/Paris")
        message = refused.value.message

    assert message.startswith("4 lignes mal formées sur 360 dans le fichier d’historique (1,11 %")
    assert "plus que les 0,1 % tolérés" in message
    assert "ligne 5\u202f:" in message


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


def _english_planner(world: World) -> Client:
    planner = world.users["planner"]
    planner.language = "en"
    planner.save()
    client = logged_in(planner)
    client.cookies["django_language"] = "en"
    return client


def test_the_api_answers_400_with_code_and_message_and_saves_nothing(world: World) -> None:
    client = _english_planner(world)
    body = {
        "site_id": world.lille.pk,
        "queue": "orders",
        "history_csv": _broken({100: "2025-05-19T10:00:00+02:00,-3,180"}),
    }

    response = client.post("/api/v1/wfm/forecasts", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "history_malformed"
    assert "line 100:" in response.json()["message"]
    assert "-3" in response.json()["message"]
    assert ForecastRun.objects.count() == 0


def test_the_api_skips_below_the_tolerance_and_answers_the_lines_skipped(world: World) -> None:
    open_weekdays(world.lille)
    client = _english_planner(world)
    body = {
        "site_id": world.lille.pk,
        "queue": "orders",
        "history_csv": _broken(BROKEN_LINES),
        "tolerance_percent": 2,
        "horizon_start": "2025-06-02",
    }

    response = client.post("/api/v1/wfm/forecasts", body, content_type="application/json")

    assert response.status_code == 201, response.content
    report = response.json()["import_report"]
    assert report["lines"] == 360
    assert report["skipped"] == 4
    assert [bad["line"] for bad in report["malformed"]] == [5, 40, 100, 200]
    run = ForecastRun.objects.get()
    assert run.import_report == report | {"source": "history"}
    audit = AuditEntry.objects.get(action="wfm.forecast_run.create")
    assert audit.changes["skipped_lines"] == 4


def test_the_api_refuses_a_tolerance_out_of_range(world: World) -> None:
    client = logged_in(world.users["planner"])
    body = {"site_id": world.lille.pk, "queue": "orders", "history_csv": GOOD}

    response = client.post(
        "/api/v1/wfm/forecasts", body | {"tolerance_percent": 80}, content_type="application/json"
    )

    assert response.status_code in {400, 422}
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


def test_the_page_takes_the_tolerance_and_shows_the_lines_skipped(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    open_weekdays(world.lille)
    client = _english_planner(world)
    upload = SimpleUploadedFile("history.csv", _broken(BROKEN_LINES).encode())
    form = {
        "site": world.lille.pk,
        "queue": orders_queue(world).pk,
        "source": "csv",
        "history": upload,
        "horizon_start": "2025-06-02",
        "horizon_days": 7,
    }

    refused = client.post("/planning/forecasts/", form)
    upload.seek(0)
    accepted = client.post("/planning/forecasts/", form | {"tolerance_percent": "2"}, follow=True)

    assert refused.status_code == 400
    assert 'data-code="history_malformed"' in refused.content.decode()
    page = accepted.content.decode()
    assert accepted.status_code == 200
    assert 'data-testid="import-report"' in page
    assert "4 malformed lines of the 360" in page
    assert "line 200:" in page
    assert ForecastRun.objects.count() == 1


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
