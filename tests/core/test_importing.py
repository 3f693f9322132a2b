"""A user's file with bad lines: skipped and named below the tolerance, refused above it."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.importing import (
    ImportReport,
    MalformedInput,
    UnreadableInput,
    tolerant,
    tolerant_csv,
    utf8_text,
)


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


# --- CSV files: tolerant_csv -------------------------------------------------------------


def _volume(record: dict[str, str]) -> float:
    value = float(record["volume"])
    if value < 0:
        raise ValueError(f"the volume {value:g} is negative")
    return value


def _history(lines: int, bad: dict[int, str] | None = None) -> bytes:
    rows = ["start,volume"] + [f"2025-06-02T{n // 60:02d}:{n % 60:02d},{n}" for n in range(lines)]
    for index, text in (bad or {}).items():
        rows[index] = text
    return ("\n".join(rows) + "\n").encode()


def test_a_csv_below_the_tolerance_skips_its_bad_lines_with_their_numbers() -> None:
    content = _history(1500, {10: "2025-06-02T00:09 12", 20: "2025-06-02T00:19,-4"})

    rows, report = tolerant_csv(
        content, _volume, source="h.csv", required=("start", "volume"), tolerance=0.002
    )

    assert len(rows) == 1498
    assert [bad.line for bad in report.malformed] == [11, 21]
    assert "negative" in report.malformed[1].reason


def test_a_csv_above_the_tolerance_is_refused_naming_its_lines() -> None:
    content = _history(1500, {10: "x,y", 20: "2025-06-02T00:19,-4"})

    with pytest.raises(MalformedInput, match="line 11") as refused:
        tolerant_csv(content, _volume, source="h.csv", required=("volume",))

    assert refused.value.report.skipped == 2
    assert "line 21" in str(refused.value)


def test_a_line_with_more_fields_than_the_header_is_malformed() -> None:
    content = b"start,volume\na,1\nb,2,surplus\nc,3,\n"

    rows, report = tolerant_csv(content, _volume, source="h.csv", tolerance=0.5)

    assert rows == [1.0, 3.0]
    assert report.malformed[0].line == 3
    assert report.malformed[0].reason == "more fields than the header"


def test_a_line_that_is_not_utf8_is_one_malformed_line() -> None:
    content = _history(2000).replace(
        b"2025-06-02T00:07,7", "2025-06-02T00:07,7\xe9".encode("latin-1")
    )

    rows, report = tolerant_csv(content, lambda record: record["start"], source="h.csv")

    assert len(rows) == 1999
    assert report.malformed[0].line == 9
    assert report.malformed[0].reason == "not UTF-8 text"


@pytest.mark.parametrize(
    "content",
    ["volume\n1\n".encode("utf-16"), b"\xe9t\xe9,volume\n1,2\n", b"\x00\x01\x02" * 50],
)
def test_a_file_that_is_not_utf8_text_is_unreadable(content: bytes) -> None:
    with pytest.raises(UnreadableInput) as refused:
        tolerant_csv(content, _volume, source="h.csv")

    assert refused.value.problem == "not_text"
    assert refused.value.line == 1


@pytest.mark.parametrize("content", [b"", b"\n\n", b"start,volume\n", b"start,volume\n\n  \n"])
def test_an_empty_file_is_unreadable(content: bytes) -> None:
    with pytest.raises(UnreadableInput) as refused:
        tolerant_csv(content, _volume, source="h.csv")

    assert refused.value.problem == "empty"


def test_a_missing_column_is_named() -> None:
    with pytest.raises(UnreadableInput, match="lacks the column volume") as refused:
        tolerant_csv(b"Start;Calls\n2025-06-02;3\n", _volume, source="h.csv", required=("volume",))

    assert refused.value.problem == "missing_column"
    assert refused.value.detail == "volume"


def test_the_header_is_read_in_lower_case_and_any_delimiter() -> None:
    rows, _ = tolerant_csv(
        "\ufeff Start ;VOLUME\n2025-06-02;3\n\n2025-06-03;4\n",
        lambda record: (record.line, _volume(record)),
        source="h.csv",
        required=("volume",),
    )

    assert rows == [(2, 3.0), (4, 4.0)]


def test_more_lines_than_allowed_are_refused() -> None:
    with pytest.raises(UnreadableInput) as refused:
        tolerant_csv(_history(30), _volume, source="h.csv", max_lines=20)

    assert refused.value.problem == "too_long"
    assert refused.value.line == 22


def test_a_field_beyond_the_csv_limit_is_one_malformed_line() -> None:
    rows = ["volume", *["1"] * 1999, "9" * 200_000, "2"]
    content = "\n".join(rows).encode()

    parsed, report = tolerant_csv(content, _volume, source="h.csv")

    assert len(parsed) == 2000
    assert report.malformed[0].line == 2001


# --- whole texts: utf8_text ---------------------------------------------------------------


def test_utf8_text_names_the_first_line_that_is_not_utf8() -> None:
    content = "a = 1\nb = 'été'\n".encode() + "c = 'été'\n".encode("latin-1")

    with pytest.raises(UnreadableInput, match=r"s\.toml: line 3: not UTF-8 text"):
        utf8_text(content, source="s.toml")

    assert utf8_text("\ufeffa = 1".encode(), source="s.toml") == "a = 1"


def test_a_date_out_of_range_is_a_malformed_line_not_a_crash() -> None:
    lines = [
        (1, "0001-01-01T00:00+14:00"),
        *((n, "2025-06-02T08:00+02:00") for n in range(2, 2001)),
    ]

    rows, report = tolerant(
        lines, lambda text: dt.datetime.fromisoformat(text).astimezone(dt.UTC), source="f"
    )

    assert len(rows) == 1999
    assert report.malformed[0].line == 1


def test_a_report_read_back_from_json_keeps_its_count() -> None:
    lines = [str(n) if n % 100 else "bad" for n in range(1, 20_001)]
    _, report = tolerant(_numbers(lines), int, source="f", tolerance=0.02)

    again = ImportReport.from_json(report.as_json())

    assert report.skipped == again.skipped == 200
    assert len(again.malformed) == 100
    assert again.summary() == report.summary()
