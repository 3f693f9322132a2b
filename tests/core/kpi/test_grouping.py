"""Grouping by queue, site kind, partner, agent..., live and batch."""

import pytest

from relais.core.kpi import (
    AgentState,
    BucketKey,
    Dimension,
    GroupedKpis,
    KpiConfig,
    merge_summaries,
    summarize,
    summarize_groups,
)
from tests.core.kpi.factories import abandoned, contact, handled, span

CONFIG = KpiConfig(service_level_seconds=20.0, short_abandon_seconds=5.0)


def test_by_site_kind_side_by_side():
    contacts = [
        handled(0.0, 10.0, site="paris", site_kind="inshore", agent_id="a1"),
        handled(0.0, 30.0, site="rabat", site_kind="offshore", agent_id="a2"),
        handled(0.0, 15.0, site="rabat", site_kind="offshore", agent_id="a3"),
        abandoned(0.0, 40.0),
    ]
    buckets = summarize_groups(contacts, group_by=Dimension.SITE_KIND, config=CONFIG)
    assert buckets[BucketKey(None, ("inshore",))].service_level == 1.0
    assert buckets[BucketKey(None, ("offshore",))].service_level == 0.5
    # the abandon reached no site: it is counted under None
    assert buckets[BucketKey(None, (None,))].abandoned == 1
    # and the groups add up to the whole
    assert merge_summaries(buckets.values()) == summarize(contacts, config=CONFIG)


def test_several_dimensions_and_intervals_make_one_key():
    contacts = [
        handled(10.0, 5.0, queue="billing", partner="atlas"),
        handled(950.0, 5.0, queue="billing", partner="atlas"),
        handled(20.0, 5.0, queue="sales", partner="carpathia"),
    ]
    buckets = summarize_groups(
        contacts,
        group_by=(Dimension.PARTNER, Dimension.QUEUE),
        interval_seconds=900.0,
        config=CONFIG,
    )
    assert sorted(buckets) == [
        BucketKey(0.0, ("atlas", "billing")),
        BucketKey(0.0, ("carpathia", "sales")),
        BucketKey(900.0, ("atlas", "billing")),
    ]


def test_spans_are_grouped_by_agent_side_dimensions_and_ignored_by_queue():
    spans = [
        span(AgentState.BUSY, 0.0, 60.0, agent_id="a1", partner="atlas"),
        span(AgentState.AVAILABLE, 60.0, 100.0, agent_id="a1", partner="atlas"),
        span(AgentState.BUSY, 0.0, 100.0, agent_id="a2", partner="carpathia"),
    ]
    by_partner = summarize_groups(spans=spans, group_by=Dimension.PARTNER, config=CONFIG)
    assert by_partner[BucketKey(None, ("atlas",))].occupancy == 0.6
    assert by_partner[BucketKey(None, ("carpathia",))].occupancy == 1.0
    assert summarize_groups(spans=spans, group_by=Dimension.QUEUE, config=CONFIG) == {}


def test_a_waiting_contact_moves_to_the_agent_who_answers_it():
    # given a live view by agent with a contact waiting (no agent yet)
    live = GroupedKpis(group_by=Dimension.AGENT, config=CONFIG)
    live.add_contact(contact(contact_id="x", arrived_at=0.0))
    assert live.summaries(now=5.0)[BucketKey(None, (None,))].waiting == 1
    # when agent a1 answers it
    live.add_contact(contact(contact_id="x", arrived_at=0.0, answered_at=8.0, agent_id="a1"))
    # then it is a1's, and no longer waiting anywhere
    summaries = live.summaries(now=10.0)
    assert list(summaries) == [BucketKey(None, ("a1",))]
    assert summaries[BucketKey(None, ("a1",))].answered == 1
    assert summaries[BucketKey(None, ("a1",))].waiting == 0


def test_live_open_spans_per_interval_and_agent():
    live = GroupedKpis(group_by=Dimension.AGENT, interval_seconds=900.0, config=CONFIG)
    live.add_span(span(AgentState.AVAILABLE, 800.0, None, agent_id="a1"))
    live.add_span(span(AgentState.BUSY, 1000.0, None, agent_id="a1"))  # closes the first
    summaries = live.summaries(now=1100.0)
    first, second = summaries[BucketKey(0.0, ("a1",))], summaries[BucketKey(900.0, ("a1",))]
    assert (first.available_seconds, first.handling_state_seconds) == (100.0, 0.0)
    assert (second.available_seconds, second.handling_state_seconds) == (100.0, 100.0)
    assert second.occupancy == 0.5


def test_rejects_a_non_positive_interval():
    with pytest.raises(ValueError, match="positive"):
        GroupedKpis(interval_seconds=0.0)


def test_live_late_closed_span_keeps_the_open_span():
    live = GroupedKpis(interval_seconds=900.0, config=CONFIG)
    live.add_span(span(AgentState.BUSY, 100.0, None))
    live.add_span(span(AgentState.AVAILABLE, 0.0, 100.0))
    summary = live.summaries(now=150.0)[BucketKey(0.0, ())]
    assert (summary.available_seconds, summary.handling_state_seconds) == (100.0, 50.0)
