"""Statement lines: what is billed, at what price, and the agent-hours or contacts behind it.

Every line's quantity is the sum of its basis items' quantities and its amount is quantity x
unit price rounded to the cent (or a fixed amount for bands, minimums and caps): a reader can
follow any figure down to the agents, intervals or contacts that produced it. A statement's
total is the sum of its lines' amounts, checked by `checked_total`.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt

CENT = Decimal("0.01")
ONE = Decimal(1)
HOUR_STEP = Decimal("0.0001")


class Unit(StrEnum):
    PRODUCTIVE_HOUR = "productive_hour"
    ABOVE_REQUEST = "above_request"  # productive hours beyond the request + tolerance
    BREAK_HOUR = "break_hour"
    BREAK_BEYOND_ALLOWANCE = "break_beyond_allowance"
    DOWNTIME_HOUR = "downtime_hour"
    TRAINING_HOUR = "training_hour"
    UNDER_STAFFING = "under_staffing"
    HANDLED_CONTACT = "handled_contact"
    RESOLVED_CONTACT = "resolved_contact"
    MINIMUM_COMMITMENT = "minimum_commitment"
    TARGET_BAND = "target_band"
    TARGET_CAP = "target_cap"
    FORECAST_EXCUSED = "forecast_excused"
    DISPUTE_SETTLED = "dispute_settled"


@dataclass(frozen=True, slots=True)
class BasisItem:
    """One agent's hours, one contact, or one measured unit (day or interval) behind a line."""

    quantity: Decimal
    agent_id: str | None = None
    contact_id: str | None = None
    interval_start: float | None = None


class ContactBasis(Sequence[BasisItem]):
    """Contacts behind a line, one each (quantity 1), as two columns of ids (contact, agent or
    None). A line of a million contacts is priced, fingerprinted and stored from the columns;
    its `BasisItem`s are built only when read one by one (a drill-down)."""

    __slots__ = ("agent_ids", "contact_ids")

    def __init__(self, contact_ids: npt.NDArray[np.object_], agent_ids: npt.NDArray[np.object_]):
        self.contact_ids = contact_ids
        self.agent_ids = agent_ids

    def __len__(self) -> int:
        return len(self.contact_ids)

    @overload
    def __getitem__(self, index: int) -> BasisItem: ...
    @overload
    def __getitem__(self, index: slice) -> ContactBasis: ...
    def __getitem__(self, index: int | slice) -> BasisItem | ContactBasis:
        if isinstance(index, slice):
            return ContactBasis(self.contact_ids[index], self.agent_ids[index])
        return BasisItem(ONE, agent_id=self.agent_ids[index], contact_id=self.contact_ids[index])

    def __iter__(self) -> Iterator[BasisItem]:
        for contact, agent in zip(self.contact_ids.tolist(), self.agent_ids.tolist(), strict=True):
            yield BasisItem(ONE, agent_id=agent, contact_id=contact)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ContactBasis):
            return bool(
                np.array_equal(self.contact_ids, other.contact_ids)
                and np.array_equal(self.agent_ids, other.agent_ids)
            )
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    @property
    def quantity(self) -> Decimal:
        return Decimal(len(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """`label` tells lines of one unit apart (the band, the target, the tier)."""

    activity: str
    unit: Unit
    label: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    basis: Sequence[BasisItem] = ()  # a tuple, or a ContactBasis
    adjusts: str = ""  # the month (YYYY-MM) an adjustment line corrects; "" otherwise

    @property
    def key(self) -> tuple[str, str, str, Decimal, str]:
        return (self.activity, self.unit, self.label, self.unit_price, self.adjusts)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def hours(seconds: float) -> Decimal:
    """Hours of a duration, to the ten-thousandth (whole seconds first: no float noise)."""
    return (Decimal(round(seconds)) / Decimal(3600)).quantize(HOUR_STEP, rounding=ROUND_HALF_UP)


def priced_line(
    *,
    activity: str,
    unit: Unit,
    label: str,
    unit_price: Decimal,
    basis: Sequence[BasisItem],
) -> Line:
    """A line whose quantity is the sum of its basis and amount quantity x price."""
    if isinstance(basis, ContactBasis):
        quantity = basis.quantity
    else:
        basis = tuple(basis)
        quantity = sum((item.quantity for item in basis), Decimal(0))
    return Line(
        activity=activity,
        unit=unit,
        label=label,
        quantity=quantity,
        unit_price=unit_price,
        amount=money(quantity * unit_price),
        basis=basis,
    )


def lines_total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


class TotalMismatchError(ValueError):
    pass


def checked_total(lines: Sequence[Line], total: Decimal) -> Decimal:
    """`total`, after checking it is the sum of the lines' amounts."""
    computed = lines_total(lines)
    if computed != total:
        raise TotalMismatchError(f"total {total} is not the sum of the lines {computed}")
    return total


def _basis_key(item: BasisItem) -> tuple[str | None, str | None, float | None]:
    return (item.agent_id, item.contact_id, item.interval_start)


def adjustments(billed: Sequence[Line], recomputed: Sequence[Line], *, month: str) -> list[Line]:
    """Lines correcting what was billed for `month` to what the log now gives.

    Lines are matched by activity, unit, label and price; each difference of quantity or
    amount becomes a line with the basis items that changed (items gone count negative).
    """
    before: dict[tuple[object, ...], list[Line]] = defaultdict(list)
    after: dict[tuple[object, ...], list[Line]] = defaultdict(list)
    for line in billed:
        before[line.key[:4]].append(line)
    for line in recomputed:
        after[line.key[:4]].append(line)
    result: list[Line] = []
    for key in sorted(before.keys() | after.keys(), key=repr):
        old, new = before.get(key, []), after.get(key, [])
        amount = lines_total(new) - lines_total(old)
        quantity = sum((line.quantity for line in new), Decimal(0)) - sum(
            (line.quantity for line in old), Decimal(0)
        )
        items: dict[tuple[str | None, str | None, float | None], Decimal] = defaultdict(Decimal)
        for line in new:
            for item in line.basis:
                items[_basis_key(item)] += item.quantity
        for line in old:
            for item in line.basis:
                items[_basis_key(item)] -= item.quantity
        basis = tuple(
            BasisItem(q, agent_id=k[0], contact_id=k[1], interval_start=k[2])
            for k, q in sorted(items.items(), key=lambda entry: repr(entry[0]))
            if q != 0
        )
        if amount == 0 and quantity == 0 and not basis:
            continue
        sample = (new or old)[0]
        result.append(
            Line(
                activity=sample.activity,
                unit=sample.unit,
                label=sample.label,
                quantity=quantity,
                unit_price=sample.unit_price,
                amount=amount,
                basis=basis,
                adjusts=month,
            )
        )
    return result


def lines_digest(lines: Sequence[Line]) -> str:
    """A fingerprint of the lines and their basis: equal digests, equal statements."""
    digest = hashlib.sha256()
    for line in lines:
        head = [line.activity, line.unit, line.label, f"{line.quantity:.4f}"]
        digest.update(
            json.dumps(
                [*head, f"{line.unit_price:.4f}", f"{line.amount:.2f}", line.adjusts]
            ).encode()
        )
        if isinstance(line.basis, ContactBasis):
            digest.update(_contacts_json(line.basis).encode())
            continue
        quantities: dict[Decimal, str] = {}
        for item in line.basis:
            quantity = quantities.get(item.quantity)
            if quantity is None:
                quantity = quantities[item.quantity] = f"{item.quantity:.4f}"
            digest.update(_item_json(quantity, item).encode())
    return digest.hexdigest()


def _json_id(value: str | None) -> str | None:
    if value is None:
        return "null"
    return f'"{value}"' if value.isascii() and value.isdigit() else None


def _item_json(quantity: str, item: BasisItem) -> str:
    """`json.dumps([quantity, agent, contact, interval start])`, written directly for the
    usual numeric ids (a million contacts per line)."""
    agent, contact, start = _json_id(item.agent_id), _json_id(item.contact_id), item.interval_start
    if agent is None or contact is None or not (start is None or type(start) is float):
        return json.dumps([quantity, item.agent_id, item.contact_id, start])
    moment = "null" if start is None else json.dumps(start)
    return f'["{quantity}", {agent}, {contact}, {moment}]'


def _numeric(ids: list[str]) -> bool:
    joined = "".join(ids)
    return joined.isascii() and joined.isdigit() and all(ids)


def _contacts_json(basis: ContactBasis) -> str:
    """`_item_json` of each contact of `basis`, joined; with two joins for numeric ids
    (`["1.0000", "agent", "contact", null]` each)."""
    contacts = basis.contact_ids.tolist()
    agents = basis.agent_ids.tolist()
    if not contacts:
        return ""
    if None in agents or not (_numeric(contacts) and _numeric(agents)):
        return "".join(_item_json("1.0000", item) for item in basis)
    pairs = '", null]["1.0000", "'.join(map('", "'.join, zip(agents, contacts, strict=True)))
    return f'["1.0000", "{pairs}", null]'
