"""Fixtures of the supervision tests: the router's (queues, in-memory layer) and a queue."""

from __future__ import annotations

import pytest

from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.routing.fixtures import in_memory_layer, orders_queue, routing

__all__ = ["in_memory_layer", "routing"]


@pytest.fixture
def queue(world: World) -> Queue:
    return orders_queue(world)
