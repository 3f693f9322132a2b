"""The unready share of `bench.replay_bank`, calibrated on training days only: which days a
scored day learns from, the error of a share, the share chosen from the matrix."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from bench import replay_bank
from bench.bank_log import COLUMNS, Call
from bench.replay_bank import MIN_KIND_SERVICES, REGULAR, Fit, customer_class, hurry_factors
from bench.replay_calibration import (
    GRID,
    MIN_BAND_CALLS,
    at,
    choose,
    choose_by_band,
    error,
    training_days,
)

from relais.core.simulation import Empirical

HEADER = "\t".join(COLUMNS)
DAYS = ["990104", "990105", "990106", "990107"]


def _figures(asa: float, abandoned: float = 10.0, sl20: float = 0.6) -> dict[str, float]:
    return {"served": 100.0, "abandoned": abandoned, "asa": asa, "sl20": sl20}


def _row(slope: float) -> dict[float, dict[str, float]]:
    """A day whose simulated ASA grows with the unready share: 20 s + slope x share."""
    return {share: _figures(20.0 + slope * share) for share in GRID}


def test_a_scored_day_is_never_its_own_training_day() -> None:
    assert training_days("990106", DAYS, "other-days") == ["990104", "990105", "990107"]
    assert training_days("990106", DAYS, "days-before") == ["990104", "990105"]
    assert training_days("990104", DAYS, "days-before") == []


def test_figures_between_two_points_of_the_grid_are_interpolated() -> None:
    row = _row(100.0)

    assert at(row, 0.125)["asa"] == pytest.approx(32.5)
    assert at(row, 0.10)["asa"] == pytest.approx(30.0)
    assert at(row, 0.9)["asa"] == pytest.approx(20.0 + 100.0 * GRID[-1])  # not extrapolated


def test_the_error_counts_each_figure_in_units_of_its_tolerance() -> None:
    actual = [_figures(40.0)]

    assert error([_figures(40.0)], actual) == 0.0
    assert error([_figures(46.0)], actual) == pytest.approx(1.0)  # 15 % of 40 s
    assert error([_figures(40.0, sl20=0.65)], actual) == pytest.approx(1.0)  # 0.05
    one_and_a_half_points = 100 * 0.11 / 0.89  # abandoned for a rate of 11 % with 100 served
    assert error([_figures(40.0, abandoned=one_and_a_half_points)], actual) == pytest.approx(
        ((0.11 - 10 / 110) / 0.015) ** 2
    )


def test_the_share_chosen_fits_the_training_days_and_ignores_the_scored_one() -> None:
    matrix = {day: _row(100.0) for day in DAYS}
    actual = {day: _figures(35.0) for day in DAYS}  # the share 0.15 reproduces it
    wild = dict(actual, **{"990106": _figures(55.0)})  # the scored day itself: share 0.35

    share, value = choose(matrix, wild, training_days("990106", DAYS, "other-days"))

    assert share == pytest.approx(0.15)
    assert value == pytest.approx(0.0)
    assert choose(matrix, wild, DAYS)[0] > 0.15  # had it been used, it would have pulled


def test_each_period_of_the_day_gets_the_share_that_fits_its_own_calls() -> None:
    busy, quiet = 5, 11  # 10:00-12:00 and 22:00-24:00
    bands = {day: {s: {busy: _row(100.0)[s], quiet: _row(40.0)[s]} for s in GRID} for day in DAYS}
    few = {"served": MIN_BAND_CALLS / 10, "abandoned": 0.0, "asa": 30.0, "sl20": 0.6}
    actual = {day: {busy: _figures(45.0), quiet: few} for day in DAYS}  # 0.25 fits the busy

    profile = choose_by_band(bands, actual, DAYS[:3], fallback=0.1)

    assert profile[busy] == pytest.approx(0.25)
    assert profile[quiet] == 0.1  # 3 days of too few calls: the day's share


def test_handling_times_by_type_of_call_only_for_types_seen_often_enough() -> None:
    def served(kind: str, seconds: float) -> Call:
        return Call("990104", 0.0, 0.0, True, 100.0, 100.0 + seconds, "ANNA", 1, kind)

    hung_up = Call("990104", 0.0, 40.0, False, 0.0, 0.0, "", 1, "NE")
    calls = [served("NW", 60.0)] * MIN_KIND_SERVICES + [served("NE", 300.0)] * 2 + [hung_up]

    fit = Fit.of(calls, [{1: (1.0, 1.0)}])

    assert [kind for kind, _ in fit.by_kind] == ["NW"]  # NE: two calls, the pooled law
    assert fit.by_kind[0][1].expected == pytest.approx(60.0)
    assert Fit.of(calls, [{1: (1.0, 1.0)}], by_kind=False).by_kind == ()


def test_the_after_call_time_shortens_as_the_log_shows_agents_readier_with_more_waiting() -> None:
    hour = 3600.0
    # while 1 caller waited, agents served half their presence; 2-3: three quarters
    busy = [{1: (40 * hour, 20 * hour), 2: (40 * hour, 30 * hour), 4: (hour, hour / 2)}]
    bound = 1 - 50 / 81

    factors = hurry_factors(busy, bound)

    odds = bound / (1 - bound)
    assert factors[0] == (0, pytest.approx(1.0 / odds, rel=1e-3))  # nobody: as with one
    assert factors[1] == (1, pytest.approx(1.0 / odds, rel=1e-3))
    assert factors[2] == (2, pytest.approx((1 / 3) / odds, rel=1e-3))
    assert factors[3][1] == factors[2][1]  # 4+: one agent-hour, too little: as 2-3
    assert hurry_factors(busy, 0.0) == ()


def test_no_training_day_is_refused() -> None:
    with pytest.raises(ValueError, match="no training day"):
        choose({}, {}, [])


def test_the_unready_share_becomes_an_after_call_time() -> None:
    fit = Fit(Empirical((100.0,)), Empirical((60.0,)), mean_handling_s=180.0, unready_bound=0.3)

    assert fit.after_call_s(0.25) == pytest.approx(60.0)  # 60 of every 240 s of a busy agent
    assert fit.after_call_s(0.0) == 0.0


def test_an_unidentified_regular_caller_is_served_as_the_regular_class() -> None:
    assert [customer_class(p, "PS") for p in (0, 1, 2)] == [REGULAR, 1, 2]
    assert [customer_class(p, "NW") for p in (0, 1, 2)] == [0, 1, 2]  # new customers: below
    assert [customer_class(p, "PS", raw=True) for p in (0, 1, 2)] == [0, 1, 2]


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _call(day: str, number: int, arrival: float, wait: int, agent: str | None) -> str:
    """A log line: served by `agent` after `wait` s, or hung up after it when no agent."""
    served = agent is not None
    service = (_clock(arrival + wait), _clock(arrival + wait + 150), "150", agent or "")
    cells = (
        "AA0101",
        str(number),
        "27997683",
        str(number % 3),
        "PS" if number % 2 else "NW",
        day,
        _clock(arrival - 5),
        _clock(arrival),
        "5",
        *(
            (_clock(arrival), _clock(arrival + wait), str(wait))
            if wait
            else ("0:00:00",) * 2 + ("0",)
        ),
        "AGENT" if served else "HANG",
        *(service if served else ("0:00:00", "0:00:00", "0", "NO_SERVER")),
    )
    return "\t".join(cells)


def test_the_bench_says_which_share_each_day_was_given_and_on_which_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [HEADER]
    for day in DAYS[:3]:
        for number in range(40):
            arrival = 9 * 3600 + number * 90
            wait = (number % 4) * 15
            agent = None if number % 10 == 9 else ("ANNA", "BORIS")[number % 2]
            lines.append(_call(day, number, arrival, wait, agent))
    path = tmp_path / "bank.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    options = ["--data", str(path), "--min-calls", "10", "--replications", "1"]

    for rule, scored in (("other-days", DAYS[:3]), ("days-before", DAYS[2:3])):
        monkeypatch.setattr(
            sys, "argv", ["replay_bank", *options, "--calibration-replications", "1", "--fit", rule]
        )
        replay_bank.main()
        figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

        assert figures["fitted_on"] == rule
        assert figures["unready_rule"] == "calibrated by period"
        assert figures["unready_by_period"] == {"08-10": pytest.approx(figures["unready_share"])}
        assert list(figures["unready_by_day"]) == scored
        assert all(0 <= share <= GRID[-1] for share in figures["unready_by_day"].values())
        assert figures["priority_classes"] == 3  # 0 stays below 1 for the NW callers
        assert set(figures["overtaken_share"]) <= {f"{a}<-{b}" for a in range(3) for b in range(3)}
        assert figures["days"] == len(scored)
