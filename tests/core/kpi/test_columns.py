"""`summaries_by_group` gives, to the last bit, what one accumulator per group gives."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.kpi import ContactRecord, KpiAccumulator
from relais.core.kpi.columns import ContactColumns, summaries_by_group

START = 1_767_261_600.0
THRESHOLDS = {"voice": 20.0, "chat": 60.0}

contact = st.tuples(
    st.integers(0, 3),  # group
    st.sampled_from(sorted(THRESHOLDS)),
    st.floats(0, 3600),  # arrival offset
    st.sampled_from(["waiting", "abandoned", "in_handling", "handled"]),
    st.floats(0, 200),  # wait
    st.floats(0, 900),  # talk
    st.floats(0, 60),  # wrap-up
)


@settings(max_examples=200, deadline=None)
@given(contacts=st.lists(contact, max_size=60), now=st.one_of(st.none(), st.floats(3600, 9000)))
def test_columns_equal_one_accumulator_per_group(
    contacts: list[tuple[int, str, float, str, float, float, float]], now: float | None
) -> None:
    accumulators = [KpiAccumulator() for _ in range(4)]
    rows: list[tuple[float, ...]] = []
    for number, (group, queue, offset, state, wait, talk, wrap_up) in enumerate(contacts):
        arrived = START + offset
        answered = arrived + wait if state in ("in_handling", "handled") else None
        abandoned = arrived + wait if state == "abandoned" else None
        ended = answered + talk + wrap_up if state == "handled" and answered else None
        final = state == "handled"
        record = ContactRecord(
            contact_id=str(number),
            queue=queue,
            channel=queue,
            arrived_at=arrived,
            answered_at=answered,
            abandoned_at=abandoned,
            ended_at=ended,
            talk_seconds=talk if final else 0.0,
            wrap_up_seconds=wrap_up if final else 0.0,
        )
        accumulators[group].add_contact(record)
        rows.append(
            (
                arrived,
                math.nan if answered is None else answered,
                math.nan if abandoned is None else abandoned,
                math.nan if ended is None else ended,
                record.talk_seconds,
                record.wrap_up_seconds,
                accumulators[group].config.service_level_threshold(queue),
            )
        )
    table = np.asarray(rows, dtype=np.float64).reshape(-1, 7)
    columns = ContactColumns(*(np.ascontiguousarray(table[:, i]) for i in range(7)))
    groups = np.asarray([c[0] for c in contacts], dtype=np.intp)
    absolute_now = None if now is None else START + now

    summaries = summaries_by_group(groups, 4, columns, short_abandon_seconds=5.0, now=absolute_now)

    assert summaries == [acc.summary(absolute_now) for acc in accumulators]
