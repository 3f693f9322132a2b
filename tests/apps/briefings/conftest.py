"""A "commandes" chat queue any agent with the skill may serve, and the live router on it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from relais.apps.organisation.models import Skill
from relais.apps.router.router import Router
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from relais.core.clock import VirtualClock
from tests.apps.conftest import World
from tests.apps.routing.fixtures import Routing
from tests.apps.routing.fixtures import in_memory_layer as in_memory_layer


def commandes_queue(world: World) -> Queue:
    queue = Queue.objects.create(
        code="commandes", name_fr="Commandes", name_en="Orders", channel=Channel.CHAT
    )
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)  # anyone with the skill
    return queue


@pytest.fixture
def commandes(world: World) -> Queue:
    return commandes_queue(world)


@pytest.fixture
def routing(
    world: World, commandes: Queue, in_memory_layer: None, django_capture_on_commit_callbacks: Any
) -> Routing:
    clock = VirtualClock(time.time())
    router = Router(clock=clock)
    router.rebuild()
    return Routing(world, commandes, clock, router, django_capture_on_commit_callbacks)
