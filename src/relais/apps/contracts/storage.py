"""Statement lines to rows and back.

A contact line can hold a million contacts: their (contact id, agent id, quantity) triples
are packed into the line itself (`pack`: little-endian 64-bit integers, zlib), and only the
per-agent counts are `StatementBasis` rows. Hour, interval and fixed lines keep their basis as rows.
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from relais.apps.contracts.models import Statement, StatementBasis, StatementLine
from relais.apps.rows import write_many
from relais.core.contracts.contacts import objects
from relais.core.contracts.lines import BasisItem, ContactBasis, Line, Unit
from relais.core.kpi import from_epoch, to_epoch

NO_AGENT = -1


def _numbers(ids: list[str | None]) -> npt.NDArray[np.int64]:
    return np.array([NO_AGENT if value is None else int(value) for value in ids], dtype=np.int64)


def pack(items: Sequence[BasisItem]) -> bytes:
    if isinstance(items, ContactBasis):
        contacts = _numbers(items.contact_ids.tolist())
        agents = _numbers(items.agent_ids.tolist())
        triples = np.column_stack((contacts, agents, np.ones(len(items), dtype=np.int64)))
        return zlib.compress(triples.astype("=i8").tobytes(), 1) if len(items) else b""
    numbers = array("q")
    for item in items:
        numbers.append(int(item.contact_id or 0))
        numbers.append(NO_AGENT if item.agent_id is None else int(item.agent_id))
        numbers.append(int(item.quantity))
    return zlib.compress(numbers.tobytes(), 1) if numbers else b""


def unpack(blob: bytes | memoryview) -> Iterator[tuple[int, int | None, int]]:
    """(contact id, agent id, quantity: 1, or -1 in an adjustment) of a packed line."""
    if not blob:
        return
    numbers = array("q")
    numbers.frombytes(zlib.decompress(bytes(blob)))
    for index in range(0, len(numbers), 3):
        agent = numbers[index + 1]
        yield numbers[index], None if agent == NO_AGENT else agent, numbers[index + 2]


def _is_contact_line(line: Line) -> bool:
    if isinstance(line.basis, ContactBasis):
        return True
    return any(item.contact_id is not None for item in line.basis)


def lines_write(statement: Statement, lines: Sequence[Line], *, first_position: int = 1) -> None:
    """Rows of `lines` under `statement`, positions counted from `first_position`."""
    made = [
        StatementLine(
            statement=statement,
            position=first_position + index,
            activity=line.activity,
            unit=str(line.unit),
            label=line.label,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
            adjusts=line.adjusts,
            contacts=pack(line.basis) if _is_contact_line(line) else b"",
        )
        for index, line in enumerate(lines)
    ]
    StatementLine.objects.bulk_create(made)
    ids = dict(StatementLine.objects.filter(statement=statement).values_list("position", "pk"))
    write_many(StatementBasis, _basis_rows(lines, ids, first_position))


def _basis_rows(
    lines: Sequence[Line], ids: dict[int, int], first: int
) -> Iterator[dict[str, object]]:
    for index, line in enumerate(lines):
        line_id = ids[first + index]
        if _is_contact_line(line):
            for agent, quantity in _per_agent(line.basis):
                yield {
                    "line_id": line_id,
                    "quantity": Decimal(quantity),
                    "agent_id": None if agent is None else int(agent),
                    "interval_start": None,
                }
            continue
        for item in line.basis:
            yield {
                "line_id": line_id,
                "quantity": item.quantity,
                "agent_id": None if item.agent_id is None else int(item.agent_id),
                "interval_start": None
                if item.interval_start is None
                else from_epoch(item.interval_start),
            }


def _per_agent(basis: Sequence[BasisItem]) -> list[tuple[str | None, int]]:
    """Contacts of a contact line per agent: agents by number, then no agent."""
    per_agent: Counter[str | None] = Counter()
    if isinstance(basis, ContactBasis):
        agents, counts = np.unique(_numbers(basis.agent_ids.tolist()), return_counts=True)
        for agent, count in zip(agents.tolist(), counts.tolist(), strict=True):
            per_agent[None if agent == NO_AGENT else str(agent)] = count
    else:
        for item in basis:
            per_agent[item.agent_id] += int(item.quantity)
    return sorted(per_agent.items(), key=lambda e: (e[0] is None, int(e[0] or 0)))


def _contacts_of(blob: bytes | memoryview) -> Sequence[BasisItem]:
    """The basis of a packed contact line: columns when every contact counts 1."""
    triples = np.frombuffer(zlib.decompress(bytes(blob)), dtype="=i8").reshape(-1, 3)
    if bool(np.all(triples[:, 2] == 1)):
        agents = [None if agent == NO_AGENT else str(agent) for agent in triples[:, 1].tolist()]
        return ContactBasis(objects(list(map(str, triples[:, 0].tolist()))), objects(agents))
    return tuple(
        BasisItem(
            Decimal(quantity),
            agent_id=None if agent is None else str(agent),
            contact_id=str(contact),
        )
        for contact, agent, quantity in unpack(blob)
    )


def line_of(row: StatementLine, basis: Sequence[StatementBasis]) -> Line:
    """The core line a row was written from (contact lines from their packed pairs)."""
    items: Sequence[BasisItem]
    if row.contacts:
        items = _contacts_of(row.contacts)
    else:
        items = tuple(
            BasisItem(
                b.quantity,
                agent_id=None if b.agent_id is None else str(b.agent_id),
                interval_start=None if b.interval_start is None else to_epoch(b.interval_start),
            )
            for b in basis
        )
    return Line(
        activity=row.activity,
        unit=Unit(row.unit),
        label=row.label,
        quantity=row.quantity,
        unit_price=row.unit_price,
        amount=row.amount,
        basis=items,
        adjusts=row.adjusts,
    )


def statement_lines_read(statement: Statement) -> list[Line]:
    rows = list(statement.lines.order_by("position"))
    basis: dict[int, list[StatementBasis]] = {}
    for item in StatementBasis.objects.filter(line__statement=statement).order_by("pk"):
        basis.setdefault(item.line_id, []).append(item)
    return [line_of(row, basis.get(row.pk, [])) for row in rows]
