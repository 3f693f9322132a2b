"""What a partner was billed for a period: the contracts' monthly statements (issue 21).

The one place the sourcing comparison reads partners' costs from; None where the partner has
no contract (the comparison then shows the cost as unknown, never as zero).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from relais.apps.contracts.costs import invoiced


def partner_invoiced(partner_id: int, start: dt.date, end: dt.date) -> Decimal | None:
    """The amount billed to the company by the partner for [start, end] (inclusive)."""
    return invoiced(partner_id, start, end)
