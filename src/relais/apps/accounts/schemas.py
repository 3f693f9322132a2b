from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import StringConstraints


class MeRead(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    role: str
    partner_id: int | None
    language: str


class TokenCreate(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenRead):
    token: str
