"""Invariants of statements over generated months: totals, recomputation, versions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.contracts.evaluation import MonthInputs, statement_lines, version_for
from relais.core.contracts.lines import adjustments, lines_digest, lines_total, money
from relais.core.contracts.terms import terms_from_dict
from relais.core.kpi import AgentState, ContactRecord, StateSpan
from tests.core.contracts.scripted import APRIL, AS_OF, MARCH, TERMS

STATES = [
    AgentState.AVAILABLE,
    AgentState.BUSY,
    AgentState.WRAP_UP,
    AgentState.BREAK,
    AgentState.OFFLINE,
]
REASONS = [None, "lunch", "training", "technical_incident"]


@st.composite
def spans(draw: st.DrawFn) -> list[StateSpan]:
    result = []
    for agent in ("1", "2", "3"):
        moment = MARCH - draw(st.integers(0, 3600))
        for _ in range(draw(st.integers(0, 8))):
            length = draw(st.integers(1, 4 * 3600))
            state = draw(st.sampled_from(STATES))
            reason = draw(st.sampled_from(REASONS)) if state == AgentState.BREAK else None
            result.append(
                StateSpan(
                    agent_id=agent, state=state, start=moment, end=moment + length, reason=reason
                )
            )
            moment += length + draw(st.integers(0, 86400))
    return result


@st.composite
def contacts(draw: st.DrawFn) -> list[ContactRecord]:
    result = []
    for index in range(draw(st.integers(0, 25))):
        arrived = MARCH + draw(st.integers(0, 30 * 86400))
        wait = draw(st.integers(0, 120))
        queue = draw(st.sampled_from(["commandes", "retours"]))
        customer = draw(st.sampled_from([None, "A", "B", "C"]))
        if draw(st.booleans()):
            result.append(
                ContactRecord(
                    contact_id=str(index),
                    queue=queue,
                    channel="chat",
                    arrived_at=arrived,
                    answered_at=arrived + wait,
                    ended_at=arrived + wait + 60,
                    agent_id="1",
                    customer_ref=customer,
                    csat=draw(st.sampled_from([None, 1, 3, 5])),
                )
            )
        else:
            result.append(
                ContactRecord(
                    contact_id=str(index),
                    queue=queue,
                    channel="chat",
                    arrived_at=arrived,
                    abandoned_at=arrived + wait,
                )
            )
    return result


@st.composite
def months(draw: st.DrawFn) -> MonthInputs:
    found = draw(contacts())
    return MonthInputs(
        start=MARCH,
        end=APRIL,
        as_of=AS_OF,
        contacts=found,
        customer_contacts=[
            (c.contact_id, c.customer_ref, c.arrived_at) for c in found if c.customer_ref
        ],
        spans=draw(spans()),
        agent_activity={"1": "orders", "2": "orders", "3": "returns"},
        requested={("orders", MARCH + 1800 * i): draw(st.integers(0, 3)) for i in range(0, 96, 7)},
        committed={("orders", MARCH + 1800 * i): draw(st.integers(0, 3)) for i in range(0, 96, 5)},
        forecast={
            ("orders", MARCH + 1800 * i): float(draw(st.integers(0, 5))) for i in range(0, 96, 3)
        },
        days=[MARCH + 86400 * i for i in range(31)],
    )


@settings(max_examples=60, deadline=None)
@given(months())
def test_every_line_is_the_sum_of_its_basis_and_the_total_the_sum_of_the_lines(
    month: MonthInputs,
) -> None:
    lines = statement_lines(terms_from_dict(TERMS), month)
    for line in lines:
        assert line.quantity == sum((item.quantity for item in line.basis), Decimal(0))
        assert line.amount == money(line.quantity * line.unit_price)
    assert lines_total(lines) == sum((line.amount for line in lines), Decimal(0))


@settings(max_examples=40, deadline=None)
@given(months())
def test_computing_again_changes_nothing(month: MonthInputs) -> None:
    terms = terms_from_dict(TERMS)
    first, second = statement_lines(terms, month), statement_lines(terms, month)
    assert lines_digest(first) == lines_digest(second)
    assert adjustments(first, second, month="2026-03") == []


@settings(max_examples=40, deadline=None)
@given(months(), months())
def test_adjustments_bring_what_was_billed_to_what_the_log_now_gives(
    before: MonthInputs, after: MonthInputs
) -> None:
    terms = terms_from_dict(TERMS)
    billed, now = statement_lines(terms, before), statement_lines(terms, after)
    extra = adjustments(billed, now, month="2026-03")
    assert lines_total(billed) + lines_total(extra) == lines_total(now)
    assert all(line.adjusts == "2026-03" for line in extra)


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=8, unique=True),
    st.integers(-100, 11_000),
)
def test_a_contract_version_applies_exactly_from_its_date_to_the_next(
    starts: list[int], moment: int
) -> None:
    versions = [(float(start), start) for start in starts]
    chosen = version_for(versions, float(moment))
    ordered = sorted(starts)
    if moment < ordered[0]:
        assert chosen is None
        return
    assert chosen is not None
    later = [start for start in ordered if start > chosen]
    assert chosen <= moment
    assert not later or moment < later[0]
