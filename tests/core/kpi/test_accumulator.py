"""KpiAccumulator on hand-computed scenarios (T = 20 s, short abandons < 5 s)."""

import pytest

from relais.core.kpi import (
    EMPTY_SUMMARY,
    AgentState,
    KpiAccumulator,
    KpiConfig,
    KpiSummary,
    summarize,
)
from tests.core.kpi.factories import abandoned, contact, handled, span

CONFIG = KpiConfig(service_level_seconds=20.0, short_abandon_seconds=5.0)


def _morning() -> list:
    return [
        # answered after 10 s (within T): talk 150 + hold 20 + wrap-up 20
        contact(
            arrived_at=0.0,
            answered_at=10.0,
            ended_at=200.0,
            talk_seconds=150.0,
            hold_seconds=20.0,
            wrap_up_seconds=20.0,
        ),
        # answered after 30 s (late), transferred: talk 240 + wrap-up 60
        contact(
            arrived_at=5.0,
            answered_at=35.0,
            ended_at=335.0,
            talk_seconds=240.0,
            wrap_up_seconds=60.0,
            transferred=True,
        ),
        abandoned(10.0, 3.0),  # short abandon: excluded from everything
        abandoned(20.0, 30.0),  # abandoned after T
        abandoned(30.0, 15.0),  # abandoned within T: not in the SL denominator
        contact(arrived_at=40.0),  # still waiting
    ]


def test_hand_computed_morning():
    # when
    summary = summarize(_morning(), config=CONFIG, now=100.0)
    # then
    assert (summary.offered, summary.answered, summary.abandoned) == (5, 2, 2)
    assert (summary.short_abandoned, summary.waiting, summary.handled) == (1, 1, 2)
    assert summary.service_level == pytest.approx(1 / 3)  # 1 / (2 + 1)
    assert summary.average_speed_of_answer == 20.0  # (10 + 30) / 2
    assert summary.average_handling_time == 245.0  # (190 + 300) / 2
    assert summary.abandonment_rate == 0.5  # 2 / (2 + 2)
    assert summary.average_abandon_wait == 22.5  # (30 + 15) / 2
    assert summary.transfer_rate == 0.5
    assert summary.oldest_waiting_seconds == 60.0  # arrived at 40, now 100
    assert summary.longest_wait_seconds == 60.0
    assert summary.answered_wait_squares == 10.0**2 + 30.0**2  # the spread of ASA
    assert summary.handling_squares == 190.0**2 + 300.0**2  # and of AHT (hold included)


def test_longest_wait_without_now_counts_finished_contacts_only():
    summary = summarize(_morning(), config=CONFIG)
    assert summary.longest_wait_seconds == 30.0
    assert summary.oldest_waiting_seconds is None


def test_no_contacts_gives_zero_counts_and_no_ratios():
    summary = summarize([], config=CONFIG, now=100.0)
    assert summary == EMPTY_SUMMARY
    assert summary.offered == 0
    assert summary.service_level is None
    assert summary.average_speed_of_answer is None
    assert summary.average_handling_time is None
    assert summary.abandonment_rate is None
    assert summary.occupancy is None
    assert summary.longest_wait_seconds is None
    assert all(value in (0, None) for value in summary.kpis().values())


def test_all_abandoned():
    summary = summarize([abandoned(0.0, 25.0), abandoned(0.0, 10.0)], config=CONFIG)
    assert (summary.offered, summary.answered, summary.abandoned) == (2, 0, 2)
    assert summary.abandonment_rate == 1.0
    assert summary.service_level == 0.0  # 0 / (0 + 1 abandoned after T)
    assert summary.average_speed_of_answer is None


def test_all_abandoned_within_target_leaves_service_level_undefined():
    summary = summarize([abandoned(0.0, 10.0)], config=CONFIG)
    assert summary.service_level is None
    assert summary.abandonment_rate == 1.0


def test_short_abandons_only_are_excluded_from_everything():
    summary = summarize([abandoned(0.0, 1.0), abandoned(0.0, 4.999)], config=CONFIG)
    assert summary.short_abandoned == 2
    assert summary.offered == summary.abandoned == 0
    assert summary.abandonment_rate is None
    assert summary.service_level is None
    assert summary.longest_wait_seconds is None


def test_thresholds_are_inclusive_for_answers_and_exclusive_for_short_abandons():
    # answered at exactly T is within T; abandoned at exactly T is not "after T";
    # abandoned at exactly the short threshold is a real abandon
    summary = summarize(
        [handled(0.0, 20.0), abandoned(0.0, 20.0), abandoned(0.0, 5.0)], config=CONFIG
    )
    assert summary.answered_within_target == 1
    assert summary.abandoned_after_target == 0
    assert (summary.abandoned, summary.short_abandoned) == (2, 0)
    assert summary.service_level == 1.0


def test_short_abandon_threshold_zero_disables_exclusion():
    summary = summarize([abandoned(0.0, 0.0)], config=KpiConfig(short_abandon_seconds=0.0))
    assert (summary.abandoned, summary.short_abandoned) == (1, 0)


def test_service_level_threshold_per_queue():
    config = KpiConfig(service_level_seconds=20.0, service_level_seconds_by_queue={"vip": 10.0})
    summary = summarize(
        [handled(0.0, 15.0, queue="vip"), handled(0.0, 15.0, queue="billing")], config=config
    )
    assert summary.service_level == 0.5


def test_open_contact_records_are_replaced_as_the_contact_progresses():
    # given a live accumulator following one contact through its life
    live = KpiAccumulator(CONFIG)
    live.add_contact(contact(contact_id="x", arrived_at=0.0))
    assert live.summary(now=12.0).waiting == 1
    assert live.summary(now=12.0).oldest_waiting_seconds == 12.0
    # when it is answered, then finished
    live.add_contact(contact(contact_id="x", arrived_at=0.0, answered_at=12.0))
    in_handling = live.summary(now=50.0)
    live.add_contact(
        contact(contact_id="x", arrived_at=0.0, answered_at=12.0, ended_at=80.0, talk_seconds=68.0)
    )
    final = live.summary(now=90.0)
    # then it counts once at every step
    assert (in_handling.offered, in_handling.waiting, in_handling.answered) == (1, 0, 1)
    assert (in_handling.handled, in_handling.average_handling_time) == (0, None)
    assert (final.offered, final.answered, final.handled) == (1, 1, 1)
    assert final.average_handling_time == 68.0
    assert final.oldest_waiting_seconds is None
    assert final.longest_wait_seconds == 12.0


def test_a_waiting_contact_that_becomes_a_short_abandon_leaves_no_trace():
    live = KpiAccumulator(CONFIG)
    live.add_contact(contact(contact_id="x", arrived_at=0.0))
    live.add_contact(contact(contact_id="x", arrived_at=0.0, abandoned_at=2.0))
    assert live.summary(now=3.0) == KpiSummary(short_abandoned=1)


def test_discard_contact_withdraws_only_open_records():
    live = KpiAccumulator(CONFIG)
    live.add_contact(contact(contact_id="x", arrived_at=0.0))
    live.discard_contact("x")
    live.discard_contact("unknown")
    assert live.summary(now=10.0) == EMPTY_SUMMARY


def test_occupancy_and_shrinkage_from_state_spans():
    spans = [
        span(AgentState.AVAILABLE, 0.0, 10.0),
        span(AgentState.BUSY, 10.0, 170.0),
        span(AgentState.WRAP_UP, 170.0, 200.0),
        span(AgentState.BREAK, 200.0, 260.0, reason="prayer"),
        span(AgentState.AVAILABLE, 260.0, 300.0),
        span(AgentState.OFFLINE, 300.0, 900.0),
    ]
    summary = summarize(spans=spans, config=CONFIG)
    assert summary.handling_state_seconds == 190.0
    assert summary.occupancy == pytest.approx(190 / 240)
    assert summary.in_shift_shrinkage == pytest.approx(60 / 300)


def test_open_spans_count_up_to_now_and_are_closed_by_the_next_span():
    live = KpiAccumulator(CONFIG)
    live.add_span(span(AgentState.AVAILABLE, 0.0, None))
    assert live.summary(now=30.0).available_seconds == 30.0
    assert live.summary().available_seconds == 0.0
    # a new open span closes the previous one at its start
    live.add_span(span(AgentState.BUSY, 40.0, None))
    assert live.summary(now=100.0).available_seconds == 40.0
    assert live.summary(now=100.0).handling_state_seconds == 60.0
    # the closed version of the open span replaces it
    live.add_span(span(AgentState.BUSY, 40.0, 70.0))
    assert live.summary(now=100.0).handling_state_seconds == 30.0
    assert live.summary(now=100.0).occupancy == pytest.approx(30 / 70)


def test_csat_and_nps_are_counted_from_contact_surveys():
    contacts = [
        handled(0.0, 1.0, csat=5, nps=10),
        handled(0.0, 1.0, csat=4, nps=7),
        handled(0.0, 1.0, csat=3, nps=6),
        handled(0.0, 1.0, csat=1),
        handled(0.0, 1.0),
    ]
    summary = summarize(contacts, config=CONFIG)
    assert summary.csat == 0.5  # 2 of 4
    assert summary.nps == pytest.approx(0.0)  # 1 promoter - 1 detractor out of 3


def test_merging_accumulators_adds_their_counts():
    morning, afternoon = KpiAccumulator(CONFIG), KpiAccumulator(CONFIG)
    morning.add_contacts([handled(0.0, 10.0), abandoned(0.0, 30.0)])
    afternoon.add_contacts([handled(0.0, 40.0), contact(contact_id="w", arrived_at=50.0)])
    expected = morning.summary(now=60.0) + afternoon.summary(now=60.0)
    morning.merge(afternoon)
    merged = morning.summary(now=60.0)
    assert merged == expected
    assert (merged.offered, merged.service_level, merged.longest_wait_seconds) == (4, 1 / 3, 40.0)


def test_a_late_closed_span_of_an_earlier_period_keeps_the_open_span():
    live = KpiAccumulator(CONFIG)
    live.add_span(span(AgentState.BUSY, 100.0, None))
    live.add_span(span(AgentState.AVAILABLE, 0.0, 100.0))
    summary = live.summary(now=150.0)
    assert (summary.available_seconds, summary.handling_state_seconds) == (100.0, 50.0)
