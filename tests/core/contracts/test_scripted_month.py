"""The scripted month (tests/core/contracts/scripted.py) billed line by line, by hand.

Agent 1 works 8:00-10:00 available, lunch 10:00-10:30, busy 10:30-11:00, an outage 11:00-11:30
and training 11:30-12:00; agent 2 is available 8:00-9:00. Productive: 3.5 h, per interval
8:00 1 h, 8:30 1 h, 9:00 0.5 h, 9:30 0.5 h, 10:30 0.5 h.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from relais.core.contracts.evaluation import statement_lines
from relais.core.contracts.lines import Line, Unit, lines_total
from relais.core.contracts.terms import TermsError, terms_from_dict
from tests.core.contracts.scripted import MARCH, TERMS, at, scripted_month


def _lines() -> list[Line]:
    return statement_lines(terms_from_dict(TERMS), scripted_month())


def _one(lines: list[Line], activity: str, unit: Unit, label: str = "") -> Line:
    found = [
        line
        for line in lines
        if line.activity == activity and line.unit == unit and line.label.startswith(label)
    ]
    assert len(found) == 1, found
    return found[0]


def D(text: str) -> Decimal:
    return Decimal(text)


def test_productive_hours_are_paid_per_agent_from_the_state_log() -> None:
    line = _one(_lines(), "orders", Unit.PRODUCTIVE_HOUR)
    assert (line.quantity, line.amount) == (D("3.5"), D("70.00"))
    assert [(b.agent_id, b.quantity) for b in line.basis] == [("1", D("2.5")), ("2", D("1"))]


def test_hours_above_the_request_and_its_tolerance_are_not_paid() -> None:
    # 8:00: 1 agent requested, 0.5 h x 1.1 = 0.55 h allowed, 1 h delivered: 0.45 h unpaid
    line = _one(_lines(), "orders", Unit.ABOVE_REQUEST)
    assert (line.quantity, line.amount) == (D("-0.45"), D("-9.00"))
    assert [b.interval_start for b in line.basis] == [at(1, 8)]


def test_hours_below_the_commitment_are_penalised() -> None:
    # 9:00: 2 agents committed (1 h), 0.5 h delivered: 0.5 h x 15
    line = _one(_lines(), "orders", Unit.UNDER_STAFFING)
    assert (line.quantity, line.unit_price, line.amount) == (D("0.5"), D("-15"), D("-7.50"))


def test_breaks_are_paid_up_to_the_allowance() -> None:
    lines = _lines()
    breaks = _one(lines, "orders", Unit.BREAK_HOUR)
    assert (breaks.quantity, breaks.amount) == (D("0.5"), D("10.00"))
    # allowance: (3.5 - 0.45) paid hours x 5 min = 0.2542 h; beyond: 0.2458 h x 20
    beyond = _one(lines, "orders", Unit.BREAK_BEYOND_ALLOWANCE)
    assert (beyond.quantity, beyond.amount) == (D("-0.2458"), D("-4.92"))


def test_downtime_is_paid_at_the_contract_share_and_training_at_its_price() -> None:
    lines = _lines()
    downtime = _one(lines, "orders", Unit.DOWNTIME_HOUR)
    assert (downtime.quantity, downtime.unit_price, downtime.amount) == (
        D("0.5"),
        D("10.00"),
        D("5.00"),
    )
    training = _one(lines, "orders", Unit.TRAINING_HOUR)
    assert (training.quantity, training.amount) == (D("0.5"), D("6.00"))


def test_handled_contacts_are_priced_by_graduated_tiers() -> None:
    lines = [
        line for line in _lines() if line.activity == "orders" and line.unit == Unit.HANDLED_CONTACT
    ]
    assert [(line.label, line.quantity, line.amount) for line in lines] == [
        ("1-2", 2, D("2.00")),
        ("3-4", 2, D("1.60")),
        ("5+", 5, D("2.50")),
    ]
    assert [b.contact_id for b in lines[0].basis] == ["1", "2"]


def test_resolved_contacts_leave_out_repeats_within_the_clawback_window() -> None:
    # 1 repeated by 6 (A, next day), 3 by another queue's contact (C, 3 days later): clawed
    # back; 4's repeat comes after 19 days; 5, 10, 11 have no customer; 4 resolved: band 3+
    line = _one(_lines(), "orders", Unit.RESOLVED_CONTACT)
    assert (line.label, line.quantity, line.unit_price, line.amount) == (
        "3+",
        4,
        D("1.50"),
        D("6.00"),
    )
    assert sorted(b.contact_id or "" for b in line.basis) == ["2", "4", "6", "9"]


def test_a_contact_whose_window_is_still_open_is_not_paid_yet() -> None:
    # as of 4 March, 8:00 only the contacts of 1 March... none has a closed 7-day window
    lines = statement_lines(terms_from_dict(TERMS), scripted_month(as_of=at(4, 8)))
    assert not [line for line in lines if line.unit == Unit.RESOLVED_CONTACT]


def test_service_level_bands_forecast_tolerance_and_penalty_cap() -> None:
    lines = [
        line
        for line in _lines()
        if line.activity == "orders" and line.label.startswith("service_level")
    ]
    # day 1: SL 3/5 = 0.6, but 5 offered > 3 forecast x 1.2: excused; day 2: 1/(1+1) = 0.5
    # (the 2 s abandon is short); day 3: 1.0; day 4: 0/2
    assert [(line.unit, line.quantity, line.amount) for line in lines] == [
        (Unit.TARGET_BAND, 1, D("10.00")),
        (Unit.TARGET_BAND, 2, D("-60.00")),
        (Unit.FORECAST_EXCUSED, 1, D("0.00")),
        (Unit.TARGET_CAP, 1, D("10.00")),  # -50 capped at -40
    ]
    assert [b.interval_start for b in lines[1].basis] == [MARCH + 86400, MARCH + 3 * 86400]
    assert lines[2].basis[0].interval_start == MARCH


def test_csat_bonus_in_percent_of_the_month_is_capped() -> None:
    lines = [line for line in _lines() if line.label.startswith("csat")]
    # 3 answers, all 4-5: CSAT 1.0; 5 % of 81.68 (hours 69.58 + 6.10 + 6.00) = 4.08, cap 3
    assert [(line.unit, line.amount) for line in lines] == [
        (Unit.TARGET_BAND, D("4.08")),
        (Unit.TARGET_CAP, D("-1.08")),
    ]


def test_minimum_commitment_tops_up_and_quality_earns_its_band() -> None:
    lines = [line for line in _lines() if line.activity == "returns"]
    assert [(line.unit, line.label, line.amount) for line in lines] == [
        (Unit.HANDLED_CONTACT, "1-10", D("6.00")),
        (Unit.MINIMUM_COMMITMENT, "minimum", D("44.00")),
        (Unit.TARGET_BAND, "quality/month#1 [80, )", D("5.00")),  # mean of 90 and 70
    ]


def test_the_month_totals_by_hand() -> None:
    # orders: hours 69.58 + handled 6.10 + resolved 6.00 - SL 40 + CSAT 3 = 44.68
    # returns: 6 + 44 + 5 = 55
    assert lines_total(_lines()) == D("99.68")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "euro"}, "currency"),
        ({"activities": []}, "activities"),
        (
            {
                "activities": [
                    {"code": "x", "queues": ["q"], "per_handled": {"tiers": [{"price": 1.5}]}}
                ]
            },
            "price",
        ),
        (
            {
                "activities": [
                    {
                        "code": "x",
                        "queues": ["q"],
                        "per_handled": {
                            "tiers": [{"up_to": 5, "price": "1"}, {"up_to": 3, "price": "1"}]
                        },
                    }
                ]
            },
            "up_to",
        ),
        (
            {
                "activities": [
                    {"code": "x", "queues": ["q"], "targets": [{"kpi": "nps", "bands": []}]}
                ]
            },
            "targets[0]",
        ),
    ],
)
def test_malformed_terms_are_refused_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    with pytest.raises(TermsError, match=re.escape(field)):
        terms_from_dict({**TERMS, **change})
