"""The API's schemas of partners' reported figures: one input and one output per endpoint."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from relais.core.importing import DEFAULT_TOLERANCE

MAX_ROWS = 20_000

type Cell = str | int | float | None


class ReportedImportCreate(Schema):
    """Rows with the columns of a figures file (docs/sourcing.md); numbers or strings."""

    partner_id: int | None = Field(None, description="Empty: the partner manager's own.")
    source: str = Field("", max_length=200)
    tolerance: float = Field(DEFAULT_TOLERANCE, ge=0, le=0.5)
    rows: list[dict[str, Cell]] = Field(..., max_length=MAX_ROWS)


class MalformedRow(Schema):
    line: int
    reason: str


class ReportedImportRead(Schema):
    id: int
    partner_id: int
    lines: int
    stored: int
    skipped: int
    malformed: list[MalformedRow]


class ReportedDayRead(Schema):
    id: int
    partner_id: int
    queue: str = Field(..., alias="queue.code")
    day: dt.date
    offered: int
    handled: int
    abandoned: int
    service_level: Decimal | None
    asa_seconds: Decimal | None
    aht_seconds: Decimal | None
    hours: Decimal | None
    csat_responses: int | None
    csat_satisfied: int | None
    fcr_judged: int | None
    fcr_resolved: int | None
    imported_id: int
