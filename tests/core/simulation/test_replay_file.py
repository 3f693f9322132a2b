"""A replay file with broken lines: skipped and named below the tolerance, refused above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from relais.core.simulation import ScenarioError, load_scenario
from relais.simulate_cli import main

SCENARIO = """
[scenario]
name = "replayed"
start = 2026-03-03T08:00:00+01:00
hours = 2
replications = 1

[[sites]]
id = "lille"

[[queues]]
id = "orders"
handling = { law = "fixed", value = 60 }

[[agents]]
group = "lille"
site = "lille"
count = 3

[replay]
file = "arrivals.csv"
"""


def _write(tmp_path: Path, rows: list[str], replay_extra: str = "") -> Path:
    (tmp_path / "arrivals.csv").write_text(
        "arrived_at,queue,handling_s,patience_s,priority\n" + "\n".join(rows) + "\n", "utf-8"
    )
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO + replay_extra, "utf-8")
    return path


def _good_rows(count: int) -> list[str]:
    return [f"{3 * n},orders,,,{n % 3}" for n in range(count)]


def test_priorities_and_times_are_read(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, ["5,orders,30,,2", "1,orders,,90,"]))

    assert scenario.replay is not None
    first, second = scenario.replay
    assert (first.at - scenario.start, first.patience_s, first.priority) == (1, 90, None)
    assert (second.at - scenario.start, second.handling_s, second.priority) == (5, 30, 2)
    assert scenario.replay_report is not None
    assert scenario.replay_report.skipped == 0


def test_a_line_broken_by_spaces_is_skipped_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _good_rows(2000)
    rows[700] = "2100 orders   1"  # a line whose separators became spaces: line 702
    path = _write(tmp_path, rows)

    scenario = load_scenario(path)

    assert scenario.replay is not None
    assert len(scenario.replay) == 1999
    assert scenario.replay_report is not None
    assert [bad.line for bad in scenario.replay_report.malformed] == [702]
    assert main([str(path), "--out", str(tmp_path / "r.html")]) == 0
    assert "1 malformed lines skipped (line 702)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "bad",
    ["soon,orders,,,", "10,unknown,,,", "10,orders,-4,,", "10,orders,,,high", "10,orders"],
)
def test_too_many_broken_lines_stop_with_their_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    path = _write(tmp_path, ["1,orders,,,", bad, "3,orders,,,"])

    with pytest.raises(ScenarioError, match=r"replay\.file: .*line 3"):
        load_scenario(path)
    assert main([str(path)]) == 2
    error = capsys.readouterr().err
    assert "line 3" in error
    assert "Traceback" not in error


def test_the_tolerance_is_the_users_to_set(tmp_path: Path) -> None:
    rows = [*_good_rows(9), "x,orders,,,"]

    with pytest.raises(ScenarioError, match=r"more than the 0\.1 % allowed"):
        load_scenario(_write(tmp_path, rows))
    scenario = load_scenario(_write(tmp_path, rows, "tolerance = 0.2\n"))
    assert scenario.replay is not None
    assert len(scenario.replay) == 9
    with pytest.raises(ScenarioError, match="tolerance"):
        load_scenario(_write(tmp_path, rows, "tolerance = 2\n"))


def test_a_file_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [])
    (tmp_path / "arrivals.csv").write_text("when,where\n1,orders\n", "utf-8")

    with pytest.raises(ScenarioError, match="needs columns arrived_at and queue"):
        load_scenario(path)
