"""The bank call log read by `bench.replay_bank`: broken lines skipped and named below the
tolerance, refused above it, never a traceback; what the replay learns from presence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bench import replay_bank
from bench.bank_log import (
    COLUMNS,
    Call,
    busy_by_waiting,
    busy_while_waiting,
    gaps_while_waiting,
    overtaking,
    presence,
    read_calls,
)

from relais.core.importing import MalformedInput

HEADER = "\t".join(COLUMNS)


def _line(number: int, outcome: str = "AGENT", priority: int = 2, wait: int = 17) -> str:
    minutes = 10 + number % 40
    queue = (
        (f"9:{minutes:02d}:06", f"9:{minutes:02d}:23", str(wait))
        if wait
        else ("0:00:00",) * 2 + ("0",)
    )
    service = (
        (f"9:{minutes:02d}:23", f"9:{minutes + 1:02d}:17", "54", "MICHAL")
        if outcome == "AGENT"
        else ("0:00:00", "0:00:00", "0", "NO_SERVER")
    )
    cells = (
        "AA0101",
        str(33000 + number),
        "27997683",
        str(priority),
        "PS",
        "990104",
        f"9:{minutes:02d}:00",
        f"9:{minutes:02d}:06",
        "6",
        *queue,
        outcome,
        *service,
    )
    return "\t".join(cells)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "january.txt"
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", "utf-8")
    return path


def test_a_clean_log_gives_calls_with_their_priority(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(1), _line(2, "HANG", 0), _line(3, "PHANTOM"), _line(4, wait=0)])

    calls, report = read_calls(path)

    assert report.lines == 4
    assert report.skipped == 0
    assert [(c.served, c.priority, c.wait) for c in calls] == [
        (True, 2, 17),
        (False, 0, 17),
        (True, 2, 0),
    ]
    assert calls[0].arrival == 9 * 3600 + 11 * 60 + 6
    assert calls[2].arrival == calls[2].service_start  # served at once: arrived then


def test_a_line_broken_by_spaces_is_skipped_and_named(tmp_path: Path) -> None:
    lines = [_line(n) for n in range(2000)]
    lines[1234] = lines[1234].replace("\t", "    ")
    lines[1500] = lines[1500].replace("\t17\t", "\tseventeen\t")

    calls, report = read_calls(_write(tmp_path, lines), tolerance=0.001)

    assert len(calls) == 1998
    assert [bad.line for bad in report.malformed] == [1236, 1502]
    assert "fields where 17 are expected" in report.malformed[0].reason


def test_too_many_broken_lines_stop_with_their_numbers(tmp_path: Path) -> None:
    lines = [_line(n) for n in range(10)]
    lines[3] = lines[3].replace("\t", " ")

    with pytest.raises(MalformedInput, match="line 5"):
        read_calls(_write(tmp_path, lines))
    calls, report = read_calls(_write(tmp_path, lines), tolerance=0.2)
    assert len(calls) == 9
    assert report.skipped == 1


def test_the_bench_stops_with_a_clear_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [_line(1), "AA0101 33 0 2 PS 990104 broken by spaces", _line(3)])
    monkeypatch.setattr(sys, "argv", ["replay_bank", "--data", str(path)])

    with pytest.raises(SystemExit) as stopped:
        replay_bank.main()

    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "line 3" in error
    assert "Traceback" not in error


def test_a_file_that_is_not_the_bank_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", "utf-8")

    with pytest.raises(ValueError, match="line 1 is not the Anonymous Bank header"):
        read_calls(path)


def _served(agent: str, start: float, end: float, wait: float = 0.0) -> Call:
    return Call("990104", start - wait, wait, True, start, end, agent)


def test_presence_and_the_unready_share_while_callers_wait() -> None:
    calls = [
        _served("A", 0, 100),
        _served("A", 150, 250, wait=150),  # a caller waited 0..150 while A was free 100..150
        _served("B", 0, 250),
    ]

    assert presence(calls, gap=600, interval=250, day_s=500) == [2.0, 0.0]
    present, serving = busy_while_waiting(calls, gap=600)
    assert (present, serving) == (300.0, 250.0)  # 0..150 waiting: A idle 50 s of it


def test_presence_and_service_by_the_number_of_callers_waiting() -> None:
    calls = [
        _served("A", 0, 300),
        _served("B", 0, 300),
        _served("A", 300, 400, wait=300),  # waited 0..300
        _served("B", 300, 400, wait=200),  # waited 100..300: two waited 100..300
    ]

    by_count = busy_by_waiting(calls, gap=600, least=(1, 2))

    assert by_count == {1: (200.0, 200.0), 2: (400.0, 400.0)}
    assert busy_while_waiting(calls, gap=600) == (600.0, 600.0)


def test_gaps_while_waiting_are_the_agents_pauses_with_callers_in_the_queue() -> None:
    calls = [
        _served("A", 0, 100),
        _served("A", 104, 200, wait=60),  # a caller waited 44..104: A's 4 s pause counts
        _served("A", 500, 600, wait=10),  # nobody waited 200..490: A's 300 s pause does not
        _served("A", 5000, 5100, wait=4500),  # a caller waited, but more than an hour later
    ]

    assert gaps_while_waiting(calls, gap=3600) == [4.0]


def test_overtaking_counts_callers_served_before_an_earlier_one_still_waiting() -> None:
    def waited(arrival: float, served_at: float, priority: int) -> Call:
        return Call(
            "990104", arrival, served_at - arrival, True, served_at, served_at + 60, "A", priority
        )

    calls = [
        waited(0, 50, 1),
        waited(10, 40, 2),  # arrived while the first waited, served before it: overtook
        waited(20, 60, 2),  # waited with both, served after both
        waited(55, 70, 1),  # arrived after the first and second were served
    ]

    assert overtaking(calls) == {(1, 2): (2, 0.5), (2, 1): (1, 0.0), (2, 2): (1, 0.0)}
