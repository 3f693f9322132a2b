"""Hand-written statements make the same instances the ORM makes (apps/rows.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.apps import rows
from relais.apps.desktop import selectors
from relais.apps.desktop.models import InternalNote
from relais.apps.errors import RelaisError
from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue


def values(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _contact(world: World) -> Contact:
    orders_queue(world)
    return services.contact_create(actor=world.users["administrator"], queue_code="orders")


def _offers_made(contact: Contact, at: dt.datetime, count: int) -> list[ContactEvent]:
    """`count` unsaved log lines for the contact, numbered in their data."""
    return [
        ContactEvent(at=at, kind=EventKind.OFFER_MADE, contact_id=contact.pk, data={"n": n})
        for n in range(count)
    ]


def test_an_instance_from_raw_columns_equals_the_orms(world: World) -> None:
    contact = _contact(world)
    agent = world.agents["rabat0"]
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        state=ContactState.ACCEPTED,
        agent=agent,
        declined_by=[7, 9],  # JSON: converted as the ORM converts it
        accepted_at=now - dt.timedelta(seconds=5),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {rows.columns(Contact, "c")} FROM "{Contact._meta.db_table}" c '  # noqa: S608
            'WHERE c."id" = %s',
            [contact.pk],
        )
        made = rows.instance(Contact, cursor.fetchone())
    expected = Contact.objects.get(pk=contact.pk)
    assert values(made) == values(expected)
    assert made.declined_by == [7, 9]
    assert made.accepted_at is not None
    assert made.accepted_at.tzinfo is not None
    assert not made._state.adding  # saved as an update, like any fetched instance

    held = selectors.held_contact(viewer=agent.user, contact_id=contact.pk)
    assert values(held) == values(expected)
    assert values(held.queue) == values(expected.queue)
    with pytest.raises(RelaisError):  # another agent's contact
        selectors.held_contact(viewer=world.agents["rabat1"].user, contact_id=contact.pk)
    with pytest.raises(RelaisError):  # not in one of the states asked for
        selectors.held_contact(
            viewer=agent.user, contact_id=contact.pk, states=(ContactState.OFFERED,)
        )


def test_first_finds_by_key_and_refuses_none(world: World) -> None:
    contact = _contact(world)
    found = rows.first(Contact, id=contact.pk, queue_id=contact.queue_id)
    assert found is not None
    assert values(found) == values(Contact.objects.get(pk=contact.pk))
    assert rows.first(Contact, id=contact.pk, state=ContactState.CLOSED) is None
    with pytest.raises(ValueError, match="None"):
        rows.first(Contact, agent_id=None)


def test_insert_stores_what_the_orm_would_store(world: World) -> None:
    contact = _contact(world)
    at = timezone.now()
    data = {"step": 2, "note": "café", "list": [1, None]}
    made = rows.insert(
        ContactEvent, at=at, kind=EventKind.OFFER_MADE, contact_id=contact.pk, data=data
    )
    assert made.pk is not None
    assert not made._state.adding
    by_orm = ContactEvent.objects.create(
        at=at, kind=EventKind.OFFER_MADE, contact_id=contact.pk, data=data
    )
    stored = ContactEvent.objects.get(pk=made.pk)
    assert by_orm.pk == made.pk + 1  # the same sequence of keys
    assert values(stored) == values(made)
    assert {k: v for k, v in values(stored).items() if k != "id"} == {
        k: v for k, v in values(ContactEvent.objects.get(pk=by_orm.pk)).items() if k != "id"
    }
    assert stored.at == at
    assert stored.by_router is False  # a default left out
    made.kind = EventKind.OFFER_ACCEPTED
    made.save()  # an update, as for any stored instance
    assert ContactEvent.objects.filter(pk=made.pk, kind=EventKind.OFFER_ACCEPTED).exists()


def test_add_keeps_a_given_key_and_refuses_models_with_save_receivers(world: World) -> None:
    contact = _contact(world)
    author = world.users["administrator"]
    note = rows.add(
        InternalNote(pk=4242, contact=contact, author=author, body="x", created_at=timezone.now())
    )
    assert InternalNote.objects.get(pk=4242).body == "x"
    assert note.pk == 4242

    def receiver(**kwargs: object) -> None:
        raise AssertionError("not to be called")

    signals.post_save.connect(receiver, sender=InternalNote)
    try:
        with pytest.raises(ValueError, match="receivers"):
            rows.insert(
                InternalNote, contact=contact, author=author, body="y", created_at=timezone.now()
            )
    finally:
        signals.post_save.disconnect(receiver, sender=InternalNote)
    assert not InternalNote.objects.filter(body="y").exists()


def test_add_all_stores_rows_in_one_statement_and_value_converts_a_column(world: World) -> None:
    contact, at = _contact(world), timezone.now()
    made = _offers_made(contact, at, 3)
    with CaptureQueriesContext(connection) as queries:
        rows.add_all(made)
    assert len(queries.captured_queries) == 1
    stored = ContactEvent.objects.filter(kind=EventKind.OFFER_MADE).order_by("id")
    assert [e.data for e in stored] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert all(e.at == at and e.contact_id == contact.pk for e in stored)
    rows.add_all([])  # nothing to store: no statement

    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "data" FROM "{ContactEvent._meta.db_table}" WHERE "id" = %s',  # noqa: S608
            [stored[0].pk],
        )
        raw = cursor.fetchone()[0]
    assert rows.value(ContactEvent, "data", raw) == {"n": 0}
    assert rows.value(ContactEvent, "data", None) is None


def test_save_writes_the_named_fields_and_update_the_matching_rows(world: World) -> None:
    orders_queue(world)
    admin = world.users["administrator"]
    contact = services.contact_create(actor=admin, queue_code="orders")
    other = services.contact_create(actor=admin, queue_code="orders")
    now = timezone.now()
    contact.state = ContactState.ACCEPTED
    contact.accepted_at = now
    contact.customer_reference = "not written"

    assert rows.save(contact, ["state", "accepted_at"]) == 1

    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.state, stored.accepted_at) == (ContactState.ACCEPTED, now)
    assert stored.customer_reference == ""  # not among the fields named
    assert Contact.objects.get(pk=other.pk).state == other.state

    changed = rows.update(
        Contact, {"queue_id": contact.queue_id, "state": other.state}, declined_by=[3]
    )
    assert changed == 1  # `other` only: `contact` is accepted now
    assert Contact.objects.get(pk=other.pk).declined_by == [3]
    assert Contact.objects.get(pk=contact.pk).declined_by == []
    other.pk = 10**9
    assert rows.save(other, ["state"]) == 0  # no such row


def test_add_all_splits_what_the_database_cannot_take_in_one_statement(world: World) -> None:
    contact, at = _contact(world), timezone.now()
    made = _offers_made(contact, at, 1500)
    fields = [f for f in ContactEvent._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, made)

    with CaptureQueriesContext(connection) as queries:
        rows.add_all(made)

    assert len(queries.captured_queries) == -(-len(made) // size)  # SQLite: several
    stored = ContactEvent.objects.filter(kind=EventKind.OFFER_MADE).order_by("id")
    assert [e.data["n"] for e in stored] == list(range(1500))


def test_joined_sets_the_related_instance_or_none_as_select_related_would(world: World) -> None:
    orders_queue(world)
    admin = world.users["administrator"]
    waiting = services.contact_create(actor=admin, queue_code="orders")
    held = services.contact_create(actor=admin, queue_code="orders")
    agent = world.agents["rabat0"]
    Contact.objects.filter(pk=held.pk).update(agent=agent)
    sql = (
        f"SELECT {rows.columns(Contact, 'c')}, {rows.columns(Agent, 'a')} "  # noqa: S608
        f'FROM "{Contact._meta.db_table}" c LEFT JOIN "{Agent._meta.db_table}" a '
        'ON a."id" = c."agent_id" WHERE c."id" IN (%s, %s) ORDER BY c."id"'
    )

    found = rows.joined(sql, [waiting.pk, held.pk], Contact, "agent")

    with CaptureQueriesContext(connection) as queries:
        assert [c.pk for c in found] == [waiting.pk, held.pk]
        assert found[0].agent is None  # the LEFT JOIN found nothing
        assert found[1].agent is not None
        assert values(found[1].agent) == values(agent)
    assert queries.captured_queries == []  # nothing read lazily
    with pytest.raises(ValueError, match="foreign key"):
        rows.joined(sql, [waiting.pk, held.pk], Contact, "state")
