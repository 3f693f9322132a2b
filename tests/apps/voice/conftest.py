"""A voice queue on the `world` of tests/apps/conftest.py, its number, and the router
in-process over it (as tests/apps/routing/fixtures.py does for chats)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from relais.apps.interactions import services
from relais.apps.router.router import Router
from relais.apps.routing.models import Channel
from relais.apps.voice.models import Number
from relais.core.clock import VirtualClock
from tests.apps.conftest import World
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import Routing, in_memory_layer, orders_queue

__all__ = ["in_memory_layer"]

DIALLED = "+33199000101"


@pytest.fixture
def phone(world: World, in_memory_layer: None, django_capture_on_commit_callbacks: Any) -> Routing:
    """The voice queue `phone` (internal sites first, Atlas after 30 s, anyone after 90 s),
    its number +33 1 99 00 01 01 with French prompts, and the router over it."""
    queue = orders_queue(world, code="phone", channel=Channel.VOICE)
    Number.objects.create(number=DIALLED, queue=queue, label="Service client")
    clock = VirtualClock(time.time())
    router = Router(clock=clock)
    router.rebuild()
    return Routing(world, queue, clock, router, django_capture_on_commit_callbacks)


def login(routing: Routing, *keys: str) -> None:
    """These agents' desktops connected and logged in, the router told."""
    for key in keys:
        agent = routing.world.agents[key]
        desk_open(agent)
        services.agent_login(actor=agent.user, agent=agent)
    routing.step()
