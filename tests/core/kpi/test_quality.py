"""CSAT, NPS and first-contact resolution edge cases."""

import pytest

from relais.core.kpi import (
    BucketKey,
    Dimension,
    FcrCounts,
    KpiConfig,
    csat_from_scores,
    fcr_counts,
    nps_from_scores,
    summarize,
    summarize_groups,
)
from tests.core.kpi.factories import abandoned, contact, handled

WEEK = 7 * 86_400.0


def test_csat_top_two_box_edges():
    assert csat_from_scores([]) is None
    assert csat_from_scores([4, 5]) == 1.0
    assert csat_from_scores([1, 2, 3]) == 0.0
    assert csat_from_scores([3, 4]) == 0.5
    with pytest.raises(ValueError, match="outside 1-5"):
        csat_from_scores([0])
    with pytest.raises(ValueError, match="outside 1-5"):
        csat_from_scores([6])


def test_nps_edges():
    assert nps_from_scores([]) is None
    assert nps_from_scores([9, 10]) == 100.0
    assert nps_from_scores([0, 6]) == -100.0
    assert nps_from_scores([7, 8]) == 0.0  # passives only
    # 2 promoters, 1 passive, 1 detractor: 100 x (2 - 1) / 4
    assert nps_from_scores([10, 9, 7, 6]) == 25.0
    with pytest.raises(ValueError, match="outside 0-10"):
        nps_from_scores([11])
    with pytest.raises(ValueError, match="outside 0-10"):
        nps_from_scores([-1])


def test_a_repeat_at_exactly_the_window_end_is_a_repeat():
    contacts = [handled(0.0, 5.0, customer_ref="x"), handled(WEEK, 5.0, customer_ref="x")]
    # the first is not resolved, the second (the last, data complete) is
    assert fcr_counts(contacts, window_seconds=WEEK) == FcrCounts(resolved=1, eligible=2)


def test_a_contact_just_after_the_window_is_not_a_repeat():
    contacts = [handled(0.0, 5.0, customer_ref="x"), handled(WEEK + 1.0, 5.0, customer_ref="x")]
    assert fcr_counts(contacts, window_seconds=WEEK) == FcrCounts(resolved=2, eligible=2)


def test_a_contact_whose_window_is_still_running_is_pending():
    contacts = [handled(0.0, 5.0, customer_ref="x")]
    assert fcr_counts(contacts, window_seconds=WEEK, as_of=WEEK - 1.0) == FcrCounts(pending=1)
    assert fcr_counts(contacts, window_seconds=WEEK, as_of=WEEK) == FcrCounts(1, 1, 0)
    assert FcrCounts(pending=1).rate is None


def test_abandons_are_repeats_but_not_judged_and_short_abandons_are_ignored():
    contacts = [
        handled(0.0, 5.0, customer_ref="x"),
        abandoned(100.0, 2.0, customer_ref="x"),  # short abandon: ignored
        handled(1000.0, 5.0, customer_ref="y"),
        abandoned(2000.0, 60.0, customer_ref="y"),  # real abandon: a repeat of y
    ]
    counts = fcr_counts(contacts, window_seconds=WEEK, short_abandon_seconds=5.0)
    assert counts == FcrCounts(resolved=1, eligible=2)
    assert counts.rate == 0.5


def test_fcr_ignores_input_order_and_contacts_without_customer():
    contacts = [
        handled(3 * 86_400.0, 5.0, customer_ref="x"),
        handled(0.0, 5.0, customer_ref="x"),
        handled(0.0, 5.0),
    ]
    counts = fcr_counts(reversed(contacts), window_seconds=WEEK)
    assert counts == fcr_counts(contacts, window_seconds=WEEK) == FcrCounts(1, 2, 0)


def test_fcr_is_attributed_to_the_agent_of_the_contact_judged():
    contacts = [
        handled(0.0, 5.0, customer_ref="x", agent_id="amina"),
        handled(3600.0, 5.0, customer_ref="x", agent_id="bogdan"),
    ]
    buckets = summarize_groups(contacts, group_by=Dimension.AGENT)
    assert buckets[BucketKey(None, ("amina",))].first_contact_resolution == 0.0
    assert buckets[BucketKey(None, ("bogdan",))].first_contact_resolution == 1.0


def test_fcr_window_from_config_and_disabled_without_window():
    contacts = [handled(0.0, 5.0, customer_ref="x"), handled(3600.0, 5.0, customer_ref="x")]
    assert summarize(contacts, config=KpiConfig(fcr_window_seconds=1800.0)).fcr_resolved == 2
    assert summarize(contacts).fcr_resolved == 1
    disabled = summarize(contacts, config=KpiConfig(fcr_window_seconds=None))
    assert (disabled.fcr_eligible, disabled.first_contact_resolution) == (0, None)


def test_fcr_as_of_defaults_to_now():
    contacts = [handled(0.0, 5.0, customer_ref="x")]
    assert summarize(contacts, now=3600.0).fcr_eligible == 0
    assert summarize(contacts, now=3600.0, fcr_as_of=WEEK).fcr_eligible == 1
    assert summarize([contact(customer_ref="x")], now=10.0).fcr_eligible == 0
