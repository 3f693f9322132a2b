"""The process's live board and its push loop: figures to every scope within a second.

The first supervision WebSocket of a web process starts the loop on the server's event
loop: rebuild the board from the record, then every `settings.SUPERVISION_POLL_S` read the
new events; when a figure may have changed (or every TICK_S, for waits and times in state
that grow), send each scope's `LiveFigures` frame to its group. The loop stops when nobody listens.
Each web process runs its own board for its own consumers (the record is shared).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from relais.apps.organisation.scoping import Scope
from relais.apps.supervision.live.acks import acknowledged
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import scope_key, snapshot
from relais.apps.supervision.live.frames import LiveFigures
from relais.apps.supervision.live.wording import localized

logger = logging.getLogger("relais.supervision")

TICK_S = 5.0


def group_name(scope: Scope, language: str) -> str:
    """One group per scope and language: its frames carry the figures in words."""
    return f"supervision-{language}-{scope_key(scope)}"[:95]


@dataclass
class Hub:
    board: LiveBoard = field(default_factory=LiveBoard)
    listeners: dict[str, tuple[Scope, str, int]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    built: bool = False

    def subscribe(self, scope: Scope, language: str) -> str:
        loop = asyncio.get_running_loop()
        if self.task is not None and self.task.get_loop() is not loop:
            # a new event loop in this process (a server stopped and started again, as the
            # browser tests do): the old loop's listeners and board are gone with it
            self.listeners, self.task, self.built = {}, None, False
        group = group_name(scope, language)
        _, _, count = self.listeners.get(group, (scope, language, 0))
        self.listeners[group] = (scope, language, count + 1)
        if self.task is None or self.task.done():
            self.task = loop.create_task(self.run())
        return group

    def unsubscribe(self, group: str) -> None:
        scope, language, count = self.listeners.get(group, (None, "", 0))
        if count <= 1:
            self.listeners.pop(group, None)
        elif scope is not None:
            self.listeners[group] = (scope, language, count - 1)

    async def figures(self, scope: Scope, language: str) -> LiveFigures:
        figures: LiveFigures = await database_sync_to_async(self._figures)(scope, language)
        return figures

    def _figures(self, scope: Scope, language: str) -> LiveFigures:
        if not self.built:
            self.board.rebuild()
            self.built = True
        figures = snapshot(self.board, scope, self.board.clock())
        return localized(acknowledged(figures, scope_key(scope)), language)

    def _poll(self) -> list[tuple[str, str, LiveFigures]]:
        if not self.built:
            self.board.rebuild()
            self.built = True
        self.board.poll()
        now = self.board.clock()
        snapshots: dict[str, LiveFigures] = {}  # one a scope, whatever the languages
        frames = []
        for group, (scope, language, _count) in list(self.listeners.items()):
            key = scope_key(scope)
            if key not in snapshots:
                snapshots[key] = snapshot(self.board, scope, now)
            frames.append((group, language, snapshots[key]))
        return frames

    async def run(self) -> None:
        layer = get_channel_layer()
        seen, last_push = -1, 0.0
        while self.listeners:
            try:
                version = self.board.version
                frames = await database_sync_to_async(self._poll)()
                now = time.monotonic()
                if self.board.version != version or seen != version or now - last_push >= TICK_S:
                    seen, last_push = self.board.version, now
                    frames = await database_sync_to_async(_acknowledged)(frames)
                    for group, frame in frames:
                        message = {
                            "type": "supervision.figures",
                            "frame": frame.model_dump(mode="json"),
                        }
                        await layer.group_send(group, message)
            except Exception:
                logger.exception("supervision: live board failed; rebuilding")
                self.built = False
                await asyncio.sleep(1.0)
            await asyncio.sleep(settings.SUPERVISION_POLL_S)
        self.built = False  # nobody listens: the next listener starts from the record


def _acknowledged(
    frames: list[tuple[str, str, LiveFigures]],
) -> list[tuple[str, LiveFigures]]:
    """Each group's frame with its scope's acknowledgements (one query a scope with alerts),
    in the group's language."""
    marked: dict[str, LiveFigures] = {}
    result = []
    for group, language, figures in frames:
        if figures.scope not in marked:
            marked[figures.scope] = acknowledged(figures, figures.scope)
        result.append((group, localized(marked[figures.scope], language)))
    return result


HUB = Hub()
