"""relais forecast / staff / schedule on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.apps.wfm.models import ForecastRun, Schedule, StaffingPlan
from tests.apps.conftest import World
from tests.apps.wfm.fixtures import WEEK, history_csv, open_weekdays


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def test_forecast_staff_and_schedule_a_week(world: World, tmp_path: Path) -> None:
    open_weekdays(world.lille)
    history = tmp_path / "history.csv"
    history.write_text(history_csv("Europe/Paris", volume=5))

    printed = run(
        "forecast",
        "--site",
        "Lille",
        "--queue",
        "orders",
        "--history",
        str(history),
        "--start",
        WEEK.isoformat(),
        "--methods",
        "seasonal_naive",
    )
    forecast = ForecastRun.objects.get()
    staffed = run("staff", "--forecast", str(forecast.pk), "--max-occupancy", "0.85")
    plan = StaffingPlan.objects.get()
    scheduled = run(
        "schedule",
        "--week",
        WEEK.isoformat(),
        "--site",
        "Lille",
        "--seconds",
        "2",
        "--workers",
        "1",
    )

    assert f"forecast run {forecast.pk}" in printed
    assert "seasonal_naive" in printed
    assert f"staffing plan {plan.pk}" in staffed
    assert "Europe/Paris" in staffed
    assert f"schedule {Schedule.objects.get().pk}" in scheduled
    assert "(Europe/Paris)" in scheduled


def test_a_bad_history_is_a_clear_command_error(world: World, tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text("start,volume\nyesterday,3\n")

    with pytest.raises(CommandError, match=r"history_malformed: 1 .*(line|ligne) 2\W"):
        run("forecast", "--site", "Lille", "--queue", "orders", "--history", str(history))
    with pytest.raises(CommandError, match="unknown site"):
        run("forecast", "--site", "Atlantis", "--queue", "q", "--history", str(history))
    assert ForecastRun.objects.count() == 0


def test_the_command_skips_below_its_tolerance_and_says_which_lines(
    world: World, tmp_path: Path
) -> None:
    open_weekdays(world.lille)
    rows = history_csv("Europe/Paris").splitlines()
    rows[9] = "2025-05-12T12:30:00+02:00;12;180"
    history = tmp_path / "history.csv"
    history.write_text("\n".join(rows) + "\n")
    arguments = ["--site", "Lille", "--queue", "orders", "--history", str(history)]
    options = ["--start", WEEK.isoformat(), "--methods", "seasonal_naive"]
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=r"history_malformed: 1 \D*360"):
        run("forecast", *arguments, *options)
    call_command(
        "forecast", *arguments, *options, "--tolerance-percent", "1", stdout=out, stderr=err
    )

    assert "history.csv: 360 lines read, 1 malformed skipped: line 10: " in err.getvalue()
    assert ForecastRun.objects.get().import_report["skipped"] == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "history_empty"),
        ("d\xe9but,volume\n".encode("latin-1"), r"history_unreadable: .*(line|ligne) 1 "),
        (b"when,calls\n2025-06-02,3\n", "history_missing_column"),
    ],
)
def test_an_unreadable_history_is_a_one_line_command_error(
    world: World, tmp_path: Path, content: bytes, said: str
) -> None:
    history = tmp_path / "history.csv"
    history.write_bytes(content)

    with pytest.raises(CommandError, match=said):
        run("forecast", "--site", "Lille", "--queue", "orders", "--history", str(history))
    with pytest.raises(CommandError, match="cannot read"):
        run("forecast", "--site", "Lille", "--queue", "q", "--history", str(tmp_path))
