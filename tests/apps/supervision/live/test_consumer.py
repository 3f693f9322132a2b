"""The supervision WebSocket: a frame at once, then the new figures within a second of the
event that changes them; agents refused; a partner manager's frames hold only their partner."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.utils import timezone

from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.supervision.live.consumer import SupervisionConsumer
from tests.apps.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


class Socket(ApplicationCommunicator):  # type: ignore[misc]
    """A browser's WebSocket (channels.testing needs daphne, which we do not install)."""

    async def connect(self) -> tuple[bool, int | None]:
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(5)
        return answer["type"] == "websocket.accept", answer.get("code")

    async def receive_json_from(self, timeout: float) -> Any:
        return json.loads((await self.receive_output(timeout))["text"])

    async def disconnect(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


def _communicator(user: Any) -> Socket:
    scope = {
        "type": "websocket",
        "path": "/ws/supervision/",
        "headers": [],
        "query_string": b"",
        "subprotocols": [],
        "user": user,
    }
    return Socket(SupervisionConsumer.as_asgi(), scope)


def _login(agent: Any) -> None:
    ContactEvent.objects.create(at=timezone.now(), kind=EventKind.AGENT_LOGGED_IN, agent=agent)


@pytest.mark.usefixtures("in_memory_layer")
def test_a_change_reaches_the_wallboard_within_a_second(world: World) -> None:
    async def scenario() -> None:
        director = _communicator(world.users["director"])
        manager = _communicator(world.users["partner_manager"])  # Atlas Contact
        assert (await director.connect())[0]
        assert (await manager.connect())[0]
        first = await director.receive_json_from(timeout=5)
        await manager.receive_json_from(timeout=5)
        assert first["type"] == "supervision.figures"
        assert first["totals"]["agents_by_state"] == {}

        started = time.monotonic()
        await sync_to_async(_login)(world.agents["bucarest0"])
        frame = await director.receive_json_from(timeout=2)
        while frame["totals"]["agents_by_state"] != {"available": 1}:
            frame = await director.receive_json_from(timeout=2)
        assert time.monotonic() - started < 1.0
        assert [a["key"] for a in frame["agents"]] == [str(world.agents["bucarest0"].pk)]

        await sync_to_async(_login)(world.agents["rabat0"])
        seen = await manager.receive_json_from(timeout=2)
        while not seen["agents"]:
            seen = await manager.receive_json_from(timeout=2)
        assert [a["key"] for a in seen["agents"]] == [str(world.agents["rabat0"].pk)]
        await director.disconnect()
        await manager.disconnect()

    asyncio.run(scenario())


@pytest.mark.usefixtures("in_memory_layer")
def test_agents_are_refused(world: World) -> None:
    async def scenario() -> None:
        agent = _communicator(world.users["agent"])
        connected, code = await agent.connect()
        assert not connected
        assert code == 4403

    asyncio.run(scenario())


@pytest.mark.usefixtures("in_memory_layer")
def test_each_viewer_gets_the_figures_in_words_in_their_own_language(world: World) -> None:
    # given two viewers of the same scope, one working in French, one in English
    world.users["director"].language = "fr"
    world.users["administrator"].language = "en"

    async def scenario() -> None:
        french = _communicator(world.users["director"])
        english = _communicator(world.users["administrator"])
        assert (await french.connect())[0]
        assert (await english.connect())[0]
        await french.receive_json_from(timeout=5)
        await english.receive_json_from(timeout=5)

        # when a figure changes, each receives its own language's frame
        await sync_to_async(_login)(world.agents["bucarest0"])
        for socket, language in ((french, "fr"), (english, "en")):
            frame = await socket.receive_json_from(timeout=5)
            while frame["totals"]["agents_by_state"] != {"available": 1}:
                frame = await socket.receive_json_from(timeout=5)
            assert frame["language"] == language
            assert frame["totals"]["display"]["answered"] == "0"
            assert frame["totals"]["display"]["service_level"] == "—"
        await french.disconnect()
        await english.disconnect()

    asyncio.run(scenario())
