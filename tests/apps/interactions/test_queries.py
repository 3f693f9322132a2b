"""The contacts' hand-written statements (interactions/queries.py) give the rows of their
ORM equivalents, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from relais.apps.interactions import queries, services
from relais.apps.interactions.models import Contact, ContactState
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.same import values

pytestmark = pytest.mark.django_db


def test_a_contact_with_its_queue_is_the_orms(world: World) -> None:
    # given a contact held by an agent, one nobody holds, and an id that does not exist
    orders_queue(world)
    admin = world.users["administrator"]
    held = services.contact_create(actor=admin, queue_code="orders")
    free = services.contact_create(actor=admin, queue_code="orders")
    agent, other = world.agents["rabat0"], world.agents["rabat1"]
    Contact.objects.filter(pk=held.pk).update(state=ContactState.ACCEPTED, agent=agent)
    for contact_id in (held.pk, free.pk, free.pk + 1000):
        for agent_id in (None, agent.pk, other.pk):
            for lock in (False, True):
                # when it is read by hand (locked or not, for an agent or not) and by the ORM
                by_hand = queries.contact_with_queue(contact_id, agent_id=agent_id, lock=lock)
                orm = Contact.objects.select_related("queue").filter(pk=contact_id)
                if agent_id is not None:
                    orm = orm.filter(agent_id=agent_id)
                # then they are the same row with the same queue, or both none
                assert values(by_hand, "queue") == values(orm.first(), "queue")
    assert queries.contact_with_queue(held.pk, agent_id=agent.pk) is not None
    assert queries.contact_with_queue(held.pk, agent_id=other.pk) is None
