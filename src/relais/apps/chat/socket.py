"""What both WebSocket consumers share: typed JSON frames in, error frames on bad input.

A frame is a JSON object with a `type`. A frame that is not JSON, too large, of an unknown
type, invalid for its type, or refused by a service gets `{"type": "error", "code",
"message", "ref"}` (the message in the person's language); nothing changes and the
connection stays open.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from pydantic import BaseModel, ValidationError

from relais.apps.chat.errors import ErrorCode
from relais.apps.chat.schemas import ErrorOut
from relais.apps.errors import RelaisError

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8192

Handler = Callable[[Any], Awaitable[None]]


class FrameConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    #: frame type -> (input schema, method name)
    frames: dict[str, tuple[type[BaseModel], str]] = {}
    language = "fr"

    async def send_frame(self, frame: BaseModel | dict[str, Any]) -> None:
        data = frame.model_dump(mode="json") if isinstance(frame, BaseModel) else frame
        await self.send(text_data=json.dumps(data, separators=(",", ":")))

    async def send_error(self, error: RelaisError, ref: str | None = None) -> None:
        with translation.override(self.language):
            message = error.message
        await self.send_frame(ErrorOut(code=error.code.value, message=message, ref=ref))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw.encode()) > MAX_FRAME_BYTES:
            await self.send_error(RelaisError(ErrorCode.FRAME_TOO_LARGE, limit=MAX_FRAME_BYTES))
            return
        try:
            data = json.loads(raw)
        except ValueError:
            await self.send_error(RelaisError(ErrorCode.MALFORMED_JSON))
            return
        if not isinstance(data, dict):
            await self.send_error(RelaisError(ErrorCode.MALFORMED_JSON))
            return
        ref = data.pop("ref", None)
        ref = str(ref)[:64] if ref is not None else None
        kind = data.get("type")
        entry = self.frames.get(kind) if isinstance(kind, str) else None
        if entry is None:
            await self.send_error(RelaisError(ErrorCode.UNKNOWN_TYPE, value=str(kind)[:40]), ref)
            return
        schema, method = entry
        try:
            frame = schema.model_validate(data)
        except ValidationError as invalid:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in invalid.errors()[:3]
            )
            await self.send_error(RelaisError(ErrorCode.INVALID_FRAME, detail=detail), ref)
            return
        try:
            await getattr(self, method)(frame, ref)
        except RelaisError as refused:
            await self.send_error(refused, ref)
