"""Queues for the router's tests, on the `world` of tests/apps/conftest.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from relais.apps.deskstream.events import desk_group
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent, Skill
from relais.apps.router.router import Router
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from relais.core.clock import VirtualClock
from tests.apps.conftest import World


def orders_queue(world: World, *, code: str = "orders", channel: str = Channel.CHAT) -> Queue:
    """Internal sites first; after 30 s also Atlas Contact; after 90 s anyone with the skill."""
    queue = Queue.objects.create(
        code=code,
        name_fr="Commandes",
        name_en="Orders",
        channel=channel,
        offer_timeout_seconds=20,
    )
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0, internal=True)
    atlas = OverflowStep.objects.create(queue=queue, order=1, after_seconds=30)
    atlas.partners.add(world.atlas)
    OverflowStep.objects.create(queue=queue, order=2, after_seconds=90)
    return queue


@dataclass
class Routing:
    world: World
    queue: Queue
    clock: VirtualClock
    router: Router
    on_commit: Any  # pytest-django's django_capture_on_commit_callbacks

    def step(self) -> int:
        """One router step; what it does after commit runs too."""
        with self.on_commit(execute=True):
            return self.router.step()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.step()

    def contact(self, pk: int) -> Contact:
        return Contact.objects.get(pk=pk)


@pytest.fixture
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def routing(
    world: World, in_memory_layer: None, django_capture_on_commit_callbacks: Any
) -> Routing:
    queue = orders_queue(world)
    clock = VirtualClock(time.time())
    router = Router(clock=clock)
    router.rebuild()
    return Routing(world, queue, clock, router, django_capture_on_commit_callbacks)


class AgentInbox:
    """What an agent's desktop would receive: the messages pushed to their stream's group."""

    def __init__(self, agent: Agent) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(desk_group(agent.pk), self.channel)

    def messages(self) -> list[dict[str, Any]]:
        found = []
        queue = self.layer.channels.get(self.channel)
        while queue is not None and not queue.empty():
            found.append(queue.get_nowait()[1])
        return found

    def offers(self) -> list[dict[str, Any]]:
        """The frames of offers made and ended, in the order they were pushed."""
        frames = [m["frame"] for m in self.messages()]
        return [f for f in frames if f["type"].startswith("offer.")]
