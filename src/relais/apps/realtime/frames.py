"""Frames every consumer sends, whatever its app."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

#: The largest record number a database holds (a 64-bit signed integer).
MAX_RECORD_ID = 2**63 - 1

#: A record's number or a counter in a frame from the browser (`last_id`, `contact_id`…):
#: beyond a 64-bit integer the database cannot compare it and the frame went unanswered
#: (issue 25, finding 3); now it gets an `invalid_frame` error like any bad field.
RecordId = Annotated[int, Field(ge=0, le=MAX_RECORD_ID)]


class Ack(BaseModel):
    """The request was done (and what it stored is committed). `ref` repeats the frame's own
    `ref`; `client_id` and `id` name what was stored (a message: its client id and number)."""

    type: Literal["ack"] = "ack"
    ref: str | None = None
    client_id: str = ""
    id: int | None = None


class ErrorOut(BaseModel):
    """A frame was refused: nothing changed, the connection stays open. `retry_after`: the
    seconds to wait before sending it again (`too_fast`, a rate limit), else None."""

    type: Literal["error"] = "error"
    code: str
    message: str
    ref: str | None = None
    retry_after: int | None = None


class SessionEnded(BaseModel):
    """The last frame of a signed-in socket whose session ended (signed out, deactivated,
    password changed…); the socket then closes with code 4401. The page says so and does not
    reconnect."""

    type: Literal["session.ended"] = "session.ended"
    reason: str
    message: str
