"""A statement's contacts as columns: one numpy array per fact, one row per contact.

A month of a 300-agent partner is a million contacts: building a `ContactRecord`, a
first-contact tracker entry and a basis item for each cost more than the rest of the
statement. `ContactColumns` holds what a statement reads of each contact; `contact_columns`
builds it from records (the tests, SQLite), PostgreSQL reads it directly
(`relais.apps.contracts.queries`). Times are epoch seconds, NaN where a thing did not happen;
ids are strings, as in `ContactRecord`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from relais.core.kpi import ContactRecord

type Floats = npt.NDArray[np.float64]
type Indices = npt.NDArray[np.intp]
type Flags = npt.NDArray[np.bool_]
type Objects = npt.NDArray[np.object_]

NAN = float("nan")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactColumns:
    """Contacts of the covered queues arrived in the month (answered by the partner's agents,
    or never answered), as `ContactRecord` fields; `queue` indexes `queues`."""

    contact_id: Objects  # str
    queues: tuple[str, ...]
    queue: Indices
    arrived_at: Floats
    answered_at: Floats
    abandoned_at: Floats
    ended: Flags  # handled to the end of wrap-up (`ended_at` set)
    agent_id: Objects  # str or None
    customer_ref: Objects  # str or None
    csat: Floats

    def __len__(self) -> int:
        return len(self.arrived_at)

    def of_queues(self, codes: Iterable[str]) -> Flags:
        chosen = set(codes)
        wanted = [index for index, code in enumerate(self.queues) if code in chosen]
        return np.isin(self.queue, wanted)

    def answered_by_agent(self) -> Flags:
        return np.array([agent is not None for agent in self.agent_id.tolist()], dtype=np.bool_)

    def with_csat(self, scores: Mapping[str, int]) -> ContactColumns:
        """The same contacts with the CSAT scores of `scores` (by contact id)."""
        if not scores:
            return self
        for contact, score in scores.items():
            if not 1 <= score <= 5:
                raise ValueError(f"contact {contact!r}: CSAT score {score} is outside 1-5")
        found = [float(scores.get(contact, NAN)) for contact in self.contact_id.tolist()]
        return replace(self, csat=np.where(np.isnan(found), self.csat, found))


@dataclass(frozen=True, slots=True)
class CustomerContacts:
    """(contact id, identified customer, arrival) of every contact, of any queue, arrived
    from the month's start to `as_of` (see `MonthInputs.customer_contacts`)."""

    contact_id: Objects
    customer: Objects
    arrived_at: Floats


def objects(values: Sequence[object]) -> Objects:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _times(values: Iterable[float | None]) -> Floats:
    return np.array([NAN if value is None else value for value in values], dtype=np.float64)


def contact_columns(records: Sequence[ContactRecord]) -> ContactColumns:
    queues = tuple(sorted({record.queue for record in records}))
    position = {code: index for index, code in enumerate(queues)}
    return ContactColumns(
        contact_id=objects([r.contact_id for r in records]),
        queues=queues,
        queue=np.array([position[r.queue] for r in records], dtype=np.intp),
        arrived_at=np.array([r.arrived_at for r in records], dtype=np.float64),
        answered_at=_times(r.answered_at for r in records),
        abandoned_at=_times(r.abandoned_at for r in records),
        ended=np.array([r.ended_at is not None for r in records], dtype=np.bool_),
        agent_id=objects([r.agent_id for r in records]),
        customer_ref=objects([r.customer_ref for r in records]),
        csat=_times(r.csat for r in records),
    )


def customer_columns(rows: Sequence[tuple[str, str, float]]) -> CustomerContacts:
    return CustomerContacts(
        objects([row[0] for row in rows]),
        objects([row[1] for row in rows]),
        np.array([row[2] for row in rows], dtype=np.float64),
    )


def as_contact_columns(contacts: Sequence[ContactRecord] | ContactColumns) -> ContactColumns:
    return contacts if isinstance(contacts, ContactColumns) else contact_columns(contacts)


def as_customer_columns(
    rows: Sequence[tuple[str, str, float]] | CustomerContacts,
) -> CustomerContacts:
    return rows if isinstance(rows, CustomerContacts) else customer_columns(rows)


def by_arrival(contacts: ContactColumns, chosen: Flags) -> Indices:
    """Rows of `chosen`, ordered by arrival then contact id."""
    rows = np.flatnonzero(chosen)
    rows = rows[np.argsort(contacts.arrived_at[rows], kind="stable")]
    arrived = contacts.arrived_at[rows]
    tied = np.flatnonzero(arrived[1:] == arrived[:-1])
    ids = contacts.contact_id
    for first in tied[np.r_[True, np.diff(tied) > 1]].tolist() if len(tied) else ():
        last = first + 1
        while last + 1 < len(rows) and arrived[last + 1] == arrived[first]:
            last += 1
        rows[first : last + 1] = sorted(rows[first : last + 1].tolist(), key=ids.__getitem__)
    return rows


def coded(keys: Sequence[str]) -> Indices:
    """A number per distinct key (equal keys, equal numbers): by their hashes when no two
    keys share one (checked), else one by one."""
    hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
    distinct, numbers = np.unique(hashes, return_inverse=True)
    if len(distinct) == len(set(keys)):
        return numbers.astype(np.intp)
    seen: dict[str, int] = {}
    return np.fromiter(
        (seen.setdefault(key, len(seen)) for key in keys), dtype=np.intp, count=len(keys)
    )
