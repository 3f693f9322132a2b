"""Interval convention: contacts by arrival interval, spans split at boundaries."""

import pytest

from relais.core.kpi import (
    AgentState,
    BucketKey,
    KpiConfig,
    interval_start,
    split_seconds,
    split_span,
    summarize_groups,
)
from tests.core.kpi.factories import contact, handled, span

QUARTER = 900.0
CONFIG = KpiConfig(service_level_seconds=20.0, short_abandon_seconds=5.0)


def test_interval_start_aligns_on_origin():
    assert interval_start(0.0) == 0.0
    assert interval_start(899.999) == 0.0
    assert interval_start(900.0) == 900.0
    assert interval_start(-1.0) == -900.0
    # aligned on a half-hour offset origin (e.g. a site's local midnight)
    assert interval_start(1000.0, 900.0, origin=1800.0) == 900.0
    assert interval_start(3700.0, 3600.0, origin=1800.0) == 1800.0
    with pytest.raises(ValueError, match="positive"):
        interval_start(10.0, 0.0)


def test_split_seconds_cuts_at_every_boundary():
    assert list(split_seconds(800.0, 2000.0)) == [(0.0, 100.0), (900.0, 900.0), (1800.0, 200.0)]
    assert list(split_seconds(900.0, 1800.0)) == [(900.0, 900.0)]
    assert list(split_seconds(950.0, 950.0)) == []
    with pytest.raises(ValueError, match="cannot end before"):
        list(split_seconds(10.0, 5.0))


def test_split_span_runs_open_spans_to_now():
    open_span = span(AgentState.BUSY, 850.0, None)
    assert list(split_span(open_span)) == []
    assert list(split_span(open_span, now=1000.0)) == [(0.0, 50.0), (900.0, 100.0)]


def test_a_contact_crossing_a_boundary_counts_in_its_arrival_interval():
    # given a contact queued at 08:14:50 (890 s), answered at 08:15:20, ended at 08:20
    crossing = contact(arrived_at=890.0, answered_at=920.0, ended_at=1200.0, talk_seconds=280.0)
    # when summarized by quarter-hour
    buckets = summarize_groups([crossing], interval_seconds=QUARTER, config=CONFIG)
    # then it is offered, answered (late) and handled in the first quarter only
    assert list(buckets) == [BucketKey(0.0, ())]
    first = buckets[BucketKey(0.0, ())]
    assert (first.offered, first.answered, first.handled) == (1, 1, 1)
    assert first.service_level == 0.0
    assert first.average_handling_time == 280.0


def test_a_waiting_contact_across_a_boundary_stays_in_its_arrival_interval():
    buckets = summarize_groups(
        [contact(arrived_at=880.0), handled(905.0, 5.0)],
        interval_seconds=QUARTER,
        config=CONFIG,
        now=1000.0,
    )
    assert buckets[BucketKey(0.0, ())].waiting == 1
    assert buckets[BucketKey(0.0, ())].oldest_waiting_seconds == 120.0
    assert buckets[BucketKey(900.0, ())].waiting == 0
    assert buckets[BucketKey(900.0, ())].longest_wait_seconds == 5.0


def test_spans_crossing_boundaries_are_split_for_occupancy():
    # given an agent available 600-1000, busy 1000-2000, available 2000-2200
    spans = [
        span(AgentState.AVAILABLE, 600.0, 1000.0),
        span(AgentState.BUSY, 1000.0, 2000.0),
        span(AgentState.AVAILABLE, 2000.0, 2200.0),
    ]
    # when summarized by quarter-hour
    buckets = summarize_groups(spans=spans, interval_seconds=QUARTER, config=CONFIG)
    # then each quarter gets the seconds it contains
    q0, q1, q2 = (buckets[BucketKey(start, ())] for start in (0.0, 900.0, 1800.0))
    assert (q0.available_seconds, q0.handling_state_seconds) == (300.0, 0.0)
    assert (q1.available_seconds, q1.handling_state_seconds) == (100.0, 800.0)
    assert (q2.available_seconds, q2.handling_state_seconds) == (200.0, 200.0)
    assert q0.occupancy == 0.0
    assert q1.occupancy == pytest.approx(800 / 900)
    assert q2.occupancy == 0.5


def test_open_span_is_split_up_to_now_at_each_read():
    buckets = summarize_groups(
        spans=[span(AgentState.BUSY, 800.0, None)],
        interval_seconds=QUARTER,
        config=CONFIG,
        now=1000.0,
    )
    assert buckets[BucketKey(0.0, ())].handling_state_seconds == 100.0
    assert buckets[BucketKey(900.0, ())].handling_state_seconds == 100.0


def test_any_interval_length_works():
    buckets = summarize_groups(
        [handled(0.0, 5.0), handled(299.0, 5.0), handled(300.0, 5.0)],
        interval_seconds=300.0,
        config=CONFIG,
    )
    assert {key.interval_start: s.offered for key, s in buckets.items()} == {0.0: 2, 300.0: 1}
