"""bench.forecast's reader of the bank's 5-minute counts: malformed lines skipped and said
below the tolerance, one line and a non-zero exit above it or on a file it cannot read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bench.forecast import _read


def _counts(path: Path, lines: int, bad: dict[int, str] | None = None) -> Path:
    rows = ["datetime_local,calls"]
    first = dt.datetime(2003, 3, 3, 7)
    rows += [f"{(first + dt.timedelta(minutes=5 * n)).isoformat()},{n % 40}" for n in range(lines)]
    for line, text in (bad or {}).items():
        rows[line - 1] = text
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_broken_line_below_the_tolerance_is_skipped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _counts(tmp_path / "calls.csv", 1200, {50: "2003-03-03T11:05:00 12"})

    observations = _read(path)

    assert len(observations) == 1199
    assert "calls.csv: 1200 lines read, 1 malformed skipped: line 50" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "2 malformed lines out of 1200"),
        (b"", "calls.csv: no data line"),
        (b"when,calls\n2003-03-03T07:00:00,3\n", "lacks the column datetime_local"),
        ("datetime_local,appels re\xe7us\n".encode("latin-1"), "line 1: not UTF-8 text"),
    ],
)
def test_a_file_it_cannot_take_stops_with_one_line(
    tmp_path: Path, content: bytes | None, said: str
) -> None:
    path = _counts(tmp_path / "calls.csv", 1200, {50: "x,1", 60: "2003-03-03T11:05:00,-1"})
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(SystemExit) as stopped:
        _read(path)

    assert said in str(stopped.value.code)
    assert "\n" not in str(stopped.value.code)
