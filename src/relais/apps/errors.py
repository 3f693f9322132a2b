"""The one exception every service raises on bad input: a stable code, a translated message.

Each app lists its codes in `<app>/errors.py` as an `ErrorCode` enum whose members carry their
HTTP status and message; the API turns a `RelaisError` into `{"code", "message"}`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCodeBase(StrEnum):
    """Base of every app's error codes; subclasses define `status` and `template`."""

    @property
    def status(self) -> int:
        return 400

    @property
    def template(self) -> Promise | str:
        return self.value


class RelaisError(Exception):
    """A refused request: nothing was changed."""

    def __init__(self, code: ErrorCodeBase, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value}: {params}")

    @property
    def status(self) -> int:
        return self.code.status

    @property
    def message(self) -> str:
        return str(self.code.template) % self.params if self.params else str(self.code.template)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message}
