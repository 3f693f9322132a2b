"""What a partner was billed for a period, for comparisons of cost (the sourcing page).

`invoiced(partner_id, start, end)` sums the statements of the months that [start, end]
covers (issued, disputed or agreed; drafts are not billed), adjustment lines included on
the statement that carries them. A month partly inside the period counts pro rata of its
days. None when the partner has no contract.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from relais.apps.contracts.inputs import month_start, next_month
from relais.apps.contracts.models import Contract, Statement, StatementState

BILLED_STATES = (StatementState.ISSUED, StatementState.DISPUTED, StatementState.AGREED)


def invoiced(partner_id: int, start: date, end: date) -> Decimal | None:
    """Amount billed to `partner_id` for the days from `start` to `end` (both included), in
    the contract's currency: each month's billed total x its days in the period / its days;
    None when the partner has no contract."""
    contract = Contract.objects.filter(partner_id=partner_id).first()
    if contract is None:
        return None
    totals = dict(
        Statement.objects.filter(
            contract=contract,
            state__in=BILLED_STATES,
            month__gte=month_start(start),
            month__lte=month_start(end),
        )
        .values_list("month")
        .annotate(total=Sum("total"))
    )
    amount = Decimal(0)
    for month, total in totals.items():
        following = next_month(month)
        days = (following - month).days
        first, last = max(month, start), min(following.toordinal() - 1, end.toordinal())
        inside = last - first.toordinal() + 1
        if inside > 0:
            amount += total * inside / days
    return amount.quantize(Decimal("0.01"))
