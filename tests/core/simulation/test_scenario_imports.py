"""What a planner gives `relais simulate`: a TOML file refused whole with the line of its fault,
and files of values whose malformed lines are skipped below a tolerance, refused above it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relais.core.simulation import ScenarioError, ScenarioSyntaxError, load_scenario
from relais.simulate_cli import main
from tests.core.simulation.test_scenario_file import MINIMAL, write

EMPIRICAL = 'handling = { law = "empirical", file = "aht.txt" }'


def _with_values(tmp_path: Path, lines: list[str], extra: str = "") -> Path:
    (tmp_path / "aht.txt").write_text("\n".join(lines) + "\n", "utf-8")
    law = EMPIRICAL.replace(" }", f"{extra} }}")
    return write(tmp_path, MINIMAL.replace('handling = { law = "exponential", mean = 200 }', law))


def _values(count: int) -> list[str]:
    return [str(180 + n % 60) for n in range(count)]


def test_a_values_file_below_the_tolerance_skips_its_bad_lines(tmp_path: Path) -> None:
    lines = _values(2000)
    lines[99] = "18O"  # a letter O for a zero
    path = _with_values(tmp_path, lines)

    scenario = load_scenario(path)

    assert len(scenario.queues[0].handling.values) == 1999  # type: ignore[attr-defined]
    (report,) = scenario.import_reports
    assert report.source == "aht.txt"
    assert report.malformed[0].line == 100
    assert "18O" in report.malformed[0].reason


def test_a_values_file_above_the_tolerance_is_refused_naming_the_lines(tmp_path: Path) -> None:
    lines = _values(500)
    lines[9], lines[19] = "-3", "nan"
    path = _with_values(tmp_path, lines)

    with pytest.raises(ScenarioError, match=r"queues\[0\]\.handling\.file") as refused:
        load_scenario(path)

    assert "2 malformed lines out of 500" in str(refused.value)
    assert "line 10" in str(refused.value)
    assert "line 20" in str(refused.value)


def test_the_tolerance_is_set_in_the_scenario(tmp_path: Path) -> None:
    lines = _values(500)
    lines[9], lines[19] = "-3", "nan"
    path = _with_values(tmp_path, lines, ", tolerance_percent = 1")

    scenario = load_scenario(path)

    assert [bad.line for bad in scenario.import_reports[0].malformed] == [10, 20]
    with pytest.raises(ScenarioError, match="tolerance_percent: at most 50"):
        load_scenario(_with_values(tmp_path, lines, ", tolerance_percent = 80"))


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "must hold non-negative numbers"),
        (b"\n  \n", "must hold non-negative numbers"),
        (b"180\n200\n" + "21é\n".encode("latin-1"), "aht.txt: line 3: not UTF-8 text"),
        (b"start,volume\n2025-06-02,3\n", "2 malformed lines out of 2"),
    ],
)
def test_a_values_file_that_cannot_be_read_is_named(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = _with_values(tmp_path, [])
    (tmp_path / "aht.txt").write_bytes(content)

    with pytest.raises(ScenarioError, match=r"handling\.file") as refused:
        load_scenario(path)

    assert said in str(refused.value)


def test_a_toml_fault_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("hours = 2", "hours = = 2"))

    with pytest.raises(ScenarioSyntaxError) as refused:
        load_scenario(path)

    assert (refused.value.line, refused.value.column) == (5, 9)
    assert str(refused.value).startswith("scenario.toml: line 5, column 9: not valid TOML: ")


def test_a_scenario_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(MINIMAL.replace('name = "mini"', 'name = "été"').encode("latin-1"))

    with pytest.raises(ScenarioError, match=r"scenario\.toml: line 3: not UTF-8 text"):
        load_scenario(path)


def test_the_command_says_what_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _values(2000)
    lines[99] = "x"
    path = _with_values(tmp_path, lines)

    assert main([str(path), "--replications", "1", "--out", str(tmp_path / "r.html")]) == 0

    err = capsys.readouterr().err
    assert "malformed lines skipped: aht.txt: 2000 lines read, 1 malformed skipped: line 100" in err


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["missing.toml"], "cannot read the scenario"),
        (["broken.toml"], "broken.toml: line 1, column 10: not valid TOML"),
        (["latin1.toml"], "latin1.toml: line 1: not UTF-8 text"),
        (["good.toml", "--out", "no/such/dir/r.html"], "cannot write"),
    ],
)
def test_the_command_gives_one_line_and_no_traceback(
    tmp_path: Path, arguments: list[str], said: str
) -> None:
    (tmp_path / "broken.toml").write_text("[scenario\n", "utf-8")
    (tmp_path / "latin1.toml").write_bytes("# été\n".encode("latin-1"))
    (tmp_path / "good.toml").write_text(MINIMAL, "utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "relais.cli", "simulate", *arguments, "--replications", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert said in errors[0]
