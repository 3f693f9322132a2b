"""A queue split 40 % Atlas Contact, 35 % Carpathia CX, 25 % Lille, with answered contacts."""

from __future__ import annotations

import datetime as dt

from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue, SplitShare
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue


def split_queue(world: World) -> Queue:
    queue = orders_queue(world)
    SplitShare.objects.create(queue=queue, partner=world.atlas, percent=40)
    SplitShare.objects.create(queue=queue, partner=world.carpathia, percent=35)
    SplitShare.objects.create(queue=queue, site=world.lille, percent=25)
    return queue


def answered(queue: Queue, agent: Agent, at: dt.datetime, count: int = 1) -> None:
    """`count` contacts of the queue answered by the agent at `at`."""
    for _ in range(count):
        Contact.objects.create(
            channel=queue.channel,
            queue=queue,
            priority=0,
            state=ContactState.CLOSED,
            created_at=at,
            queued_at=at,
            offered_at=at,
            accepted_at=at,
            closed_at=at,
            agent=agent,
        )
