"""A month's contacts as the core's columns (`relais.core.contracts.contacts`), from the record.

On PostgreSQL the rows are read raw (times as epoch seconds, without Django's per-row
converters) and the rules of `reporting.records.contact_record` apply to whole columns: a
million contacts never become a million records. Other databases (SQLite in the tests) build
records through `contact_record`, then columns; both give the same columns
(tests/apps/contracts/test_contact_columns.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from relais.apps.contracts.queries import Epoch, fetched_rows, summed_in_database
from relais.apps.interactions.models import CloseReason, Contact, ContactState
from relais.apps.reporting.records import (
    CONTACT_FIELDS,
    WAITING_STATES,
    agent_places,
    contact_record,
)
from relais.core.contracts.contacts import (
    ContactColumns,
    CustomerContacts,
    contact_columns,
    customer_columns,
    objects,
)
from relais.core.kpi import to_epoch

BATCH = 20_000
RAW_FIELDS = (
    "id",
    "queue__code",
    "state",
    "close_reason",
    "agent_id",
    "customer_reference",
)


def _times(values: tuple[Any, ...]) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array(values, dtype=np.float64)  # None: NaN


def _columns_in_database(rows: QuerySet[Contact]) -> ContactColumns:
    times = (
        Epoch(Coalesce("queued_at", "created_at")),
        Epoch("accepted_at"),
        Epoch("closed_at"),
        Epoch("abandoned_at"),
    )
    fetched = fetched_rows(rows.values_list(*RAW_FIELDS, *times))
    if not fetched:
        return contact_columns([])
    ids, queue, state, reason, agent, reference, arrived, accepted, closed, abandoned = (
        np.array(column, dtype=object) if index < len(RAW_FIELDS) else _times(column)
        for index, column in enumerate(zip(*fetched, strict=True))
    )
    counted = ~((reason == CloseReason.QUEUE_CLOSED) | (state == ContactState.SCHEDULED))
    accepted = np.where(np.isin(state, [str(s) for s in WAITING_STATES]), np.nan, accepted)
    answered = ~np.isnan(accepted)
    closed_state = state == ContactState.CLOSED
    counted &= ~(closed_state & (reason == CloseReason.DROPPED) & ~answered)
    left = (state == ContactState.ABANDONED) & ~np.isnan(abandoned)
    queues = tuple(sorted(set(queue[counted].tolist())))
    position = {code: index for index, code in enumerate(queues)}
    agents = [
        None if agent is None or not answer else str(agent)
        for agent, answer in zip(agent[counted].tolist(), answered[counted].tolist(), strict=True)
    ]
    arrived = arrived[counted]
    return ContactColumns(
        contact_id=objects(list(map(str, ids[counted].tolist()))),
        queues=queues,
        queue=np.array([position[code] for code in queue[counted].tolist()], dtype=np.intp),
        arrived_at=arrived,
        answered_at=np.where(answered[counted], np.fmax(arrived, accepted[counted]), np.nan),
        abandoned_at=np.where(left[counted], np.fmax(arrived, abandoned[counted]), np.nan),
        ended=(closed_state & answered & ~np.isnan(closed))[counted],
        agent_id=objects(agents),
        customer_ref=objects([ref or None for ref in reference[counted].tolist()]),
        csat=np.full(len(arrived), np.nan),
    )


def month_contact_columns(rows: QuerySet[Contact]) -> ContactColumns:
    """The KPI view of `rows` (see `reporting.records.contact_record`) as columns."""
    if summed_in_database():
        return _columns_in_database(rows)
    places = agent_places()
    records = (contact_record(row, places) for row in rows.values(*CONTACT_FIELDS).iterator(BATCH))
    return contact_columns([record for record in records if record is not None])


def customer_contact_columns(rows: QuerySet[Contact]) -> CustomerContacts:
    """(contact id, customer key, arrival) of `rows` as columns."""
    if summed_in_database():
        arrivals = rows.values_list(
            "pk", "customer_key", Epoch(Coalesce("queued_at", "created_at"))
        )
        fetched = fetched_rows(arrivals)
        return CustomerContacts(
            objects([str(row[0]) for row in fetched]),
            objects([row[1] for row in fetched]),
            np.array([row[2] for row in fetched], dtype=np.float64),
        )
    times = rows.values_list("pk", "customer_key", "queued_at", "created_at")
    return customer_columns(
        [
            (str(pk), customer, to_epoch(queued or created))
            for pk, customer, queued, created in times.iterator(BATCH)
        ]
    )
