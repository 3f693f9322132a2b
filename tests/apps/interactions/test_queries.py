"""The contacts' hand-written statements (interactions/queries.py) give the rows of their
ORM equivalents, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.apps.interactions import queries, services
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
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


def test_the_events_after_the_cursor_and_in_the_gaps_are_the_orms(world: World) -> None:
    # given ten lines in the contacts' log
    now = timezone.now()
    made = [
        ContactEvent.objects.create(at=now, kind=EventKind.CONTACT_CREATED, data={"n": n})
        for n in range(10)
    ]
    ids = [e.pk for e in made]
    for cursor, gaps, limit in (
        (ids[5], [], 100),
        (ids[5], [ids[1], ids[3]], 100),
        (ids[2], [ids[0]], 3),
        (ids[-1], [], 100),
    ):
        # when the lines after a cursor, and those of its gaps, are read by hand and by the ORM
        by_hand = queries.events_after(cursor, gaps, limit)
        orm = ContactEvent.objects.filter(pk__gt=cursor) | ContactEvent.objects.filter(pk__in=gaps)
        # then they are the same rows in the same order, as many as the limit allows
        assert [values(e) for e in by_hand] == [values(e) for e in orm.order_by("pk")[:limit]]
    assert [e.pk for e in queries.events_after(ids[2], [ids[0]], 3)] == [ids[0], ids[3], ids[4]]
