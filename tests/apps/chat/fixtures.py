"""A chat queue with a topic, a router on a virtual clock, and WebSocket clients for the
customer and the agent: real consumers, a real (committed) database, the in-memory layer."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from channels.db import database_sync_to_async

from relais.apps.accounts.models import User
from relais.apps.chat.consumers import CustomerChatConsumer
from relais.apps.chat.models import CannedResponse, ChatTopic
from relais.apps.chat.schemas import StartForm
from relais.apps.chat.services import chat_start
from relais.apps.desktop.consumers import DesktopConsumer
from relais.apps.desktop.models import WrapUpReason
from relais.apps.organisation.models import Agent
from relais.apps.router.router import Router
from relais.apps.routing.models import Channel, Queue
from relais.core.clock import VirtualClock
from tests.apps.chat.communicator import WebsocketCommunicator
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

TIMEOUT = 3


@dataclass
class ChatWorld:
    world: World
    queue: Queue
    topic: ChatTopic
    router: Router
    clock: VirtualClock

    async def step(self) -> None:
        await database_sync_to_async(self.router.step)()

    def agent(self, key: str) -> Agent:
        return self.world.agents[key]


@pytest.fixture
def chat_world(world: World, settings: Any) -> ChatWorld:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    queue = orders_queue(world, channel=Channel.CHAT)
    Queue.objects.create(code="mail", name_fr="Courriels", name_en="Mail", channel=Channel.EMAIL)
    Queue.objects.create(
        code="rappel", name_fr="Rappels", name_en="Callbacks", channel=Channel.CALLBACK
    )
    topic = ChatTopic.objects.create(
        code="commande", label_fr="Ma commande", label_en="My order", queue=queue
    )
    CannedResponse.objects.create(language="fr", title="Bonjour", body="Bonjour, je regarde.")
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    user = world.agents["lille0"].user
    user.first_name = "Camille"
    user.save()
    clock = VirtualClock(time.time())
    router = Router(clock=clock)
    router.rebuild()
    return ChatWorld(world, queue, topic, router, clock)


class Client:
    """A WebSocket client that reads typed frames."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.ws = communicator
        self.seen: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.ws.send_to(text_data=text)

    async def receive(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        frame = json.loads(await self.ws.receive_from(timeout=timeout))
        self.seen.append(frame)
        return frame

    async def until(self, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == kind:
                return frame

    async def until_all(self, *kinds: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """The first frame of each kind, in whatever order they come (a push may overtake
        the acknowledgement of the frame that caused it)."""
        found: dict[str, dict[str, Any]] = {}
        while len(found) < len(kinds):
            frame = await self.receive(timeout)
            if frame["type"] in kinds:
                found.setdefault(frame["type"], frame)
        return [found[kind] for kind in kinds]

    async def drain(self, wait: float = 0.3) -> list[dict[str, Any]]:
        found = []
        while not await self.ws.receive_nothing(timeout=wait):
            found.append(await self.receive())
        return found

    async def close(self) -> None:
        await self.ws.disconnect()


async def agent_client(user: User) -> Client:
    communicator = WebsocketCommunicator(DesktopConsumer.as_asgi(), "/ws/desktop/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return Client(communicator)


async def customer_client() -> Client:
    communicator = WebsocketCommunicator(CustomerChatConsumer.as_asgi(), "/ws/chat/")
    connected, _ = await communicator.connect()
    assert connected
    return Client(communicator)


@database_sync_to_async
def start_chat(
    topic: str = "commande", name: str = "Jeanne Martin", message: str = "Bonjour"
) -> tuple[int, str]:
    session, token = chat_start(
        form=StartForm(
            topic=topic,
            name=name,
            email="jeanne@example.com",
            language="fr",
            message=message,
            client_id="first",
        )
    )
    return session.contact_id, token
