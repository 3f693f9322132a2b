"""Invariants over random traffic (integer-valued times keep float sums exact)."""

from hypothesis import given
from hypothesis import strategies as st

from relais.core.kpi import (
    AgentState,
    ContactRecord,
    GroupedKpis,
    KpiAccumulator,
    KpiConfig,
    StateSpan,
    merge_summaries,
    summarize,
    summarize_groups,
)

CONFIG = KpiConfig(service_level_seconds=20.0, short_abandon_seconds=5.0, fcr_window_seconds=600.0)


@st.composite
def contacts(draw: st.DrawFn) -> list[ContactRecord]:
    count = draw(st.integers(min_value=0, max_value=40))
    result = []
    for index in range(count):
        arrived = float(draw(st.integers(0, 3600)))
        wait = float(draw(st.integers(0, 120)))
        outcome = draw(st.sampled_from(["waiting", "in_handling", "handled", "abandoned"]))
        talk = float(draw(st.integers(0, 600)))
        fields = {
            "contact_id": f"c{index}",
            "queue": draw(st.sampled_from(["billing", "sales"])),
            "channel": "chat",
            "arrived_at": arrived,
            "customer_ref": draw(st.sampled_from([None, "x", "y", "z"])),
            "site_kind": draw(st.sampled_from([None, "inshore", "offshore"])),
        }
        if outcome == "abandoned":
            fields["abandoned_at"] = arrived + wait
        elif outcome != "waiting":
            fields |= {
                "answered_at": arrived + wait,
                "transferred": draw(st.booleans()),
                "csat": draw(st.none() | st.integers(1, 5)),
                "nps": draw(st.none() | st.integers(0, 10)),
            }
            if outcome == "handled":
                fields |= {
                    "ended_at": arrived + wait + talk,
                    "talk_seconds": talk,
                    "hold_seconds": float(draw(st.integers(0, 60))),
                    "wrap_up_seconds": float(draw(st.integers(0, 60))),
                }
        result.append(ContactRecord(**fields))
    return result


@st.composite
def spans(draw: st.DrawFn) -> list[StateSpan]:
    result = []
    for agent in ("a1", "a2"):
        cursor = float(draw(st.integers(0, 600)))
        for _ in range(draw(st.integers(0, 8))):
            length = float(draw(st.integers(0, 1200)))
            state = draw(st.sampled_from(list(AgentState)))
            result.append(StateSpan(agent_id=agent, state=state, start=cursor, end=cursor + length))
            cursor += length
    return result


@given(contacts(), spans(), st.integers(0, 40), st.integers(0, 10_000))
def test_merging_accumulators_equals_computing_over_the_union(records, agent_spans, cut, now):
    # given the traffic split into two parts at any point
    first, second = KpiAccumulator(CONFIG), KpiAccumulator(CONFIG)
    first.add_contacts(records[:cut])
    second.add_contacts(records[cut:])
    first.add_spans(agent_spans[: cut // 2])
    second.add_spans(agent_spans[cut // 2 :])
    union = KpiAccumulator(CONFIG)
    union.add_contacts(records)
    union.add_spans(agent_spans)
    # then merged summaries and merged accumulators both equal the union's
    assert first.summary(now) + second.summary(now) == union.summary(now)
    first.merge(second)
    assert first.summary(now) == union.summary(now)


@given(contacts(), spans())
def test_rates_stay_in_their_ranges(records, agent_spans):
    summary = summarize(records, agent_spans, config=CONFIG, now=5000.0)
    for rate in (
        summary.service_level,
        summary.abandonment_rate,
        summary.occupancy,
        summary.in_shift_shrinkage,
        summary.transfer_rate,
        summary.first_contact_resolution,
        summary.csat,
    ):
        assert rate is None or 0.0 <= rate <= 1.0
    assert summary.nps is None or -100.0 <= summary.nps <= 100.0
    assert summary.offered == summary.answered + summary.abandoned + summary.waiting
    assert summary.answered_within_target <= summary.answered
    assert summary.handled <= summary.answered


@given(contacts(), spans(), st.sampled_from([60.0, 300.0, 900.0, 1000.0]))
def test_interval_buckets_add_up_to_the_whole_period(records, agent_spans, length):
    buckets = summarize_groups(
        records, agent_spans, interval_seconds=length, config=CONFIG, fcr_as_of=10_000.0
    )
    whole = summarize(records, agent_spans, config=CONFIG, fcr_as_of=10_000.0)
    assert merge_summaries(buckets.values()) == whole


@given(contacts())
def test_following_contacts_live_ends_where_the_final_records_do(records):
    # given every contact first added waiting, then answered, then in its final form
    live = GroupedKpis(config=CONFIG, interval_seconds=900.0)
    for record in records:
        live.add_contact(
            ContactRecord(
                contact_id=record.contact_id,
                queue=record.queue,
                channel=record.channel,
                arrived_at=record.arrived_at,
            )
        )
    for record in records:
        live.add_contact(record)
    # then the counts are those of the final records alone
    batch = GroupedKpis(config=CONFIG, interval_seconds=900.0)
    batch.add_contacts(records)
    assert live.summaries(now=9000.0) == batch.summaries(now=9000.0)
