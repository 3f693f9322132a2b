"""The one pagination of every list in the API: `limit` (1 to 500) and `offset` (0 to 1,000,000).

Ninja's own `LimitOffsetPagination` accepts any integer: an offset or limit past 2^63 reached
the database and answered 500 on every list (issue 25, finding 3). Out of range is a 400
`invalid_input` naming the field, in the reader's language (config/api.py).
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_OFFSET = 1_000_000


class Page(LimitOffsetPagination):
    """`?limit=&offset=`, both bounded; answers `{items, count}`."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
