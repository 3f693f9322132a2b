"""Frames every consumer sends, whatever its app."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Ack(BaseModel):
    """The request was done (and what it stored is committed). `ref` repeats the frame's own
    `ref`; `client_id` and `id` name what was stored (a message: its client id and number)."""

    type: Literal["ack"] = "ack"
    ref: str | None = None
    client_id: str = ""
    id: int | None = None


class ErrorOut(BaseModel):
    """A frame was refused: nothing changed, the connection stays open."""

    type: Literal["error"] = "error"
    code: str
    message: str
    ref: str | None = None
