"""The agent desktop's hand-written statements (desktop/queries.py) give the rows of their
ORM equivalents, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.chat import services as chat
from relais.apps.chat.models import ChatMessage, ChatSession, Sender
from relais.apps.chat.schemas import LeaveMessageForm, StartForm
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.desktop import queries
from relais.apps.desktop import services as desk
from relais.apps.interactions.models import Contact, ContactState
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open
from tests.apps.same import values

pytestmark = pytest.mark.django_db


def _offered_chats(chat_world: ChatWorld) -> tuple[list[int], int, list[int]]:
    """Two agents available; three chats started, two of them offered and one still
    waiting; and a left message (a contact that is not a chat). Returns the chats' contact
    ids, the left message's, and the two agents' ids."""
    agents = [chat_world.agent("lille0"), chat_world.agent("lille1")]
    for agent in agents:
        desk_open(agent)
        desk.desk_presence_set(actor=agent.user, state="available")
    chats = []
    for n, message in enumerate(("Bonjour", "", "Allô")):
        form = StartForm(topic="commande", name=f"Client {n}", message=message, client_id=f"c{n}")
        session, _ = chat.chat_start(form=form)
        chats.append(session.contact_id)
        if n < 2:
            chat_world.router.step()
    chat.customer_message(
        session=ChatSession.objects.get(contact_id=chats[1]), body="Plus tard", client_id="c9"
    )
    left = chat.message_leave(
        form=LeaveMessageForm(topic="commande", name="Léa", email="lea@example.com", message="Hi")
    )
    return chats, left.pk, [a.pk for a in agents]


def test_the_chat_session_of_a_contact_is_the_orms(chat_world: ChatWorld) -> None:
    # given chats and a left message
    chats, left, _ = _offered_chats(chat_world)
    for contact_id in (*chats, left):
        # when its chat session is read by hand and by the ORM
        by_hand = queries.chat_session(contact_id)
        orm = ChatSession.objects.select_related("topic").filter(contact_id=contact_id).first()
        # then they are the same row with the same topic (none for the left message)
        assert values(by_hand, "topic") == values(orm, "topic")
    assert queries.chat_session(chats[0]) is not None
    assert queries.chat_session(left) is None


def _orm_offer_sessions(contact_ids: list[int]) -> dict[int, Any]:
    found = {}
    for session in ChatSession.objects.select_related("topic").filter(contact_id__in=contact_ids):
        first = (
            ChatMessage.objects.filter(contact_id=session.contact_id, sender=Sender.CUSTOMER)
            .order_by("seq")
            .first()
        )
        found[session.contact_id] = (
            values(session),
            values(session.topic),
            first.body if first else "",
        )
    return found


def test_the_offers_sessions_and_first_lines_are_the_orms(chat_world: ChatWorld) -> None:
    # given chats with and without a first line, and a left message
    chats, left, _ = _offered_chats(chat_world)
    for ids in ([*chats, left], [chats[1]], []):
        # when their sessions are read by hand and by the ORM
        by_hand = {
            contact_id: (values(session), values(topic), first)
            for contact_id, (session, topic, first) in queries.offer_sessions(ids).items()
        }
        # then they agree, the left message having none
        assert by_hand == _orm_offer_sessions(ids)
    assert queries.offer_sessions([chats[0]])[chats[0]][2] == "Bonjour"
    assert queries.offer_sessions([chats[1]])[chats[1]][2] == "Plus tard"
    assert left not in queries.offer_sessions([*chats, left])


def test_the_contacts_still_offered_are_the_orms(chat_world: ChatWorld) -> None:
    # given two chats offered, one waiting, and a left message
    chats, left, _ = _offered_chats(chat_world)
    ids = [*chats, left]
    # when those still offered are read by hand and by the ORM
    by_hand = sorted(queries.offered(ids), key=lambda c: c.pk)
    orm = Contact.objects.select_related("queue").filter(pk__in=ids, state=ContactState.OFFERED)
    # then they are the same rows with the same queues
    assert [values(c, "queue") for c in by_hand] == [values(c, "queue") for c in orm.order_by("pk")]
    assert [c.pk for c in by_hand] == chats[:2]


def test_the_locked_cursors_and_last_presences_are_the_orms(chat_world: ChatWorld) -> None:
    # given two agents whose streams hold offers and presences, and one with no cursor
    _, _, agents = _offered_chats(chat_world)
    without = chat_world.agent("rabat0").pk
    # when their cursors are read (and locked) by hand, and read by the ORM
    by_hand = queries.cursors_locked([*agents, without])
    orm = []
    for cursor in DeskCursor.objects.filter(agent_id__in=[*agents, without]).order_by("agent_id"):
        presence = (
            DeskEvent.objects.filter(agent_id=cursor.agent_id, kind="presence.changed")
            .order_by("-seq")
            .first()
        )
        orm.append((cursor.agent_id, cursor.last_seq, presence.payload if presence else None))
    # then they agree, in ascending agent order, the agent without a cursor left out
    assert by_hand == orm
    assert [agent for agent, _, _ in by_hand] == sorted(agents)
    assert all(isinstance(presence, dict) for _, _, presence in by_hand)


def test_the_keys_recorded_are_the_orms(chat_world: ChatWorld) -> None:
    # given two agents' streams, each with an offer's key
    _, _, agents = _offered_chats(chat_world)
    keys = set(DeskEvent.objects.exclude(key="").values_list("key", flat=True)) | {"offer:none"}
    for asked in (keys, {"offer:none"}, set()):
        # when the keys recorded are read by hand and by the ORM
        by_hand = queries.recorded(agents, asked)
        orm = set(
            DeskEvent.objects.filter(agent_id__in=agents, key__in=asked).values_list(
                "agent_id", "key"
            )
        )
        # then they agree
        assert by_hand == orm
    assert len(queries.recorded(agents, keys)) == 2


def test_saving_cursors_moves_them_as_the_orm_would(chat_world: ChatWorld) -> None:
    # given three agents' cursors
    _, _, agents = _offered_chats(chat_world)
    other = chat_world.agent("rabat0").pk
    DeskCursor.objects.get_or_create(agent_id=other)
    before = dict(DeskCursor.objects.values_list("agent_id", "last_seq"))
    moved = {agents[0]: before[agents[0]] + 3, agents[1]: before[agents[1]] + 1}
    # when two of them are moved by hand
    queries.cursors_save(moved)
    # then each holds what an ORM update would have written, the third untouched
    assert dict(DeskCursor.objects.values_list("agent_id", "last_seq")) == {**before, **moved}
