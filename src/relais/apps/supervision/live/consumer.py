"""The supervision WebSocket (`/ws/supervision/`): live figures of the viewer's scope.

On connect the consumer joins its scope's group and receives a `LiveFigures` frame at once,
then one each time a figure changes (see `live.hub`). Agents and anonymous visitors are
refused (close code 4403); a session that ends closes it (`session.ended`, 4401). Frames are
typed (`live.frames`); the client sends nothing."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from relais.apps.organisation.scoping import scope_for
from relais.apps.realtime.consumers import SessionBoundConsumer
from relais.apps.supervision.access import may_supervise
from relais.apps.supervision.live.hub import HUB


class SupervisionConsumer(SessionBoundConsumer, AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await _allowed(user):
            await self.close(code=4403)
            return
        scope = await _scope(user)
        await self.accept()
        await self.session_bind(user)  # its session's end closes it (docs/security.md)
        language = _language(user)
        self.group = HUB.subscribe(scope, language)
        await self.channel_layer.group_add(self.group, self.channel_name)
        frame = await HUB.figures(scope, language)
        await self.send_json(frame.model_dump(mode="json"))

    async def disconnect(self, code: int) -> None:
        await self.session_unbind()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            HUB.unsubscribe(self.group)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        return None

    async def supervision_figures(self, event: dict[str, Any]) -> None:
        await self.send_json(event["frame"])


def _language(user: Any) -> str:
    """The viewer's language (their account's), for the figures in words."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


async def _allowed(user: Any) -> bool:
    return bool(await database_sync_to_async(may_supervise)(user))


async def _scope(user: Any) -> Any:
    return await database_sync_to_async(scope_for)(user)
