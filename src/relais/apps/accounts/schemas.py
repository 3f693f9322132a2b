from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from relais.apps.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenScope


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
    scopes: list[TokenScope] = Field(default=[TokenScope.READ], min_length=1)
    expires_in_days: int = Field(default=TOKEN_DEFAULT_DAYS, ge=1, le=TOKEN_MAX_DAYS)


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked_reason: str


class TokenCreated(TokenRead):
    token: str
