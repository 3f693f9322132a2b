"""A partner's reported rows: read, checked column by column, turned into figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.importing import MalformedInput, tolerant
from relais.core.sourcing.reported import RowProblem, reported_row, to_figures

ROW = {
    "date": "2026-11-30",
    "queue": "orders",
    "offered": "120",
    "handled": "110",
    "abandoned": "10",
    "service_level": "82,5",
    "asa_seconds": "18",
    "aht_seconds": "240",
    "hours": "11",
    "csat_responses": "40",
    "csat_satisfied": "34",
}


def test_a_full_row_is_read_with_french_decimals_and_dates() -> None:
    row = reported_row({**ROW, "date": "30/11/2026"})

    assert row.day == dt.date(2026, 11, 30)
    assert row.service_level == Decimal("82.5")
    assert (row.offered, row.handled, row.abandoned) == (120, 110, 10)
    assert row.fcr_judged is None


def test_numbers_from_json_are_read_as_well() -> None:
    row = reported_row(
        {"date": "2026-11-30", "queue": "orders", "offered": 5, "handled": 5, "abandoned": 0}
    )

    assert row.handled == 5
    assert row.hours is None


@pytest.mark.parametrize(
    ("change", "code", "column"),
    [
        ({"date": ""}, "missing", "date"),
        ({"date": "30-11-26"}, "not_a_date", "date"),
        ({"queue": " "}, "missing", "queue"),
        ({"handled": "abc"}, "not_a_number", "handled"),
        ({"handled": "10.5"}, "not_whole", "handled"),
        ({"abandoned": "-1"}, "out_of_range", "abandoned"),
        ({"offered": "nan"}, "not_a_number", "offered"),
        ({"service_level": "120"}, "out_of_range", "service_level"),
        ({"handled": "130"}, "more_than", "handled"),
        ({"csat_satisfied": "41"}, "more_than", "csat_satisfied"),
        ({"offered": ""}, "missing", "offered"),
    ],
)
def test_a_broken_row_names_its_column(change: dict[str, str], code: str, column: str) -> None:
    with pytest.raises(RowProblem) as problem:
        reported_row({**ROW, **change})

    assert (problem.value.code, problem.value.column) == (code, column)
    assert column in str(problem.value)


def test_reported_figures_count_only_what_was_reported() -> None:
    figures = to_figures(reported_row(ROW))

    assert figures.service_level.n == 120
    assert figures.service_level.successes == 99  # 82.5 % of handled + abandoned
    assert figures.abandonment.value == 10 / 120
    assert figures.average_handling_time == 240.0
    assert figures.occupancy == 110 * 240 / (11 * 3600)
    assert figures.csat.value == 34 / 40
    assert figures.fcr.value is None
    bare = to_figures(
        reported_row({k: ROW[k] for k in ("date", "queue", "offered", "handled", "abandoned")})
    )
    assert bare.service_level.value is None
    assert bare.average_speed_of_answer is None
    assert bare.occupancy is None


def test_a_file_with_too_many_broken_rows_is_refused_with_their_lines() -> None:
    rows = [(2, ROW), (3, {**ROW, "handled": "x"}), (4, ROW)]

    with pytest.raises(MalformedInput) as refused:
        tolerant(rows, reported_row, source="atlas.csv")

    assert refused.value.report.malformed[0].line == 3
    kept, report = tolerant(rows, reported_row, source="atlas.csv", tolerance=0.5)
    assert len(kept) == 2
    assert report.skipped == 1
