"""A user's file with bad lines: skipped and named below the tolerance, refused above it."""

from __future__ import annotations

import pytest

from relais.core.importing import MalformedInput, tolerant


def _numbers(lines: list[str]) -> list[tuple[int, str]]:
    return list(enumerate(lines, start=1))


def test_a_bad_line_below_the_tolerance_is_skipped_and_named() -> None:
    lines = [str(n) for n in range(2000)]
    lines[41] = "forty two"

    rows, report = tolerant(_numbers(lines), int, source="calls.txt")

    assert len(rows) == 1999
    assert 41 not in rows
    assert report.lines == 2000
    assert report.skipped == 1
    assert report.malformed[0].line == 42
    assert "line 42" in report.summary()
    assert "forty two" in report.summary()


def test_too_many_bad_lines_stop_the_import_with_their_numbers() -> None:
    lines = ["1", "x", "3", "y"]

    with pytest.raises(MalformedInput) as refused:
        tolerant(_numbers(lines), int, source="calls.txt")

    assert refused.value.report.skipped == 2
    assert "line 2" in str(refused.value)
    assert "line 4" in str(refused.value)


def test_the_tolerance_is_the_users_to_set() -> None:
    rows, report = tolerant(_numbers(["1", "x", "3", "4"]), int, source="f", tolerance=0.3)

    assert rows == [1, 3, 4]
    assert report.skipped == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        tolerant([], int, source="f", tolerance=5)
