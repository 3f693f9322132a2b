"""One input and one output schema per endpoint of the desktop's API."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import StringConstraints


class UnmaskIn(Schema):
    field: Literal["name", "email", "phone", "address"]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class UnmaskOut(Schema):
    contact_id: int
    field: str
    value: str
