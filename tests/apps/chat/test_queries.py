"""The web chat's hand-written statements (chat/queries.py) give the rows of their ORM
equivalents, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.apps.chat import queries
from relais.apps.chat import services as chat
from relais.apps.chat.models import (
    CUSTOMER_VISIBLE,
    ChatMessage,
    ChatSession,
    ChatTopic,
    Sender,
    hash_token,
)
from relais.apps.chat.schemas import StartForm
from relais.apps.desktop import services as desk
from relais.apps.interactions.models import Contact
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open
from tests.apps.same import values

pytestmark = pytest.mark.django_db


def _chat_in_hand(chat_world: ChatWorld) -> tuple[ChatSession, str]:
    """A chat accepted by Camille, with messages from both sides and a supervisor's note."""
    agent = chat_world.agent("lille0")
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")
    session, token = chat.chat_start(form=form)
    chat_world.router.step()
    desk.desk_accept(actor=agent.user, contact_id=session.contact_id)
    desk.desk_send(actor=agent.user, contact_id=session.contact_id, body="Oui ?", client_id="a1")
    chat.customer_message(session=session, body="Ma commande", client_id="c1")
    seq = ChatSession.objects.get(pk=session.pk).last_seq + 1  # numbered as a message
    ChatSession.objects.filter(pk=session.pk).update(last_seq=seq)
    ChatMessage.objects.create(
        contact_id=session.contact_id,
        seq=seq,
        sender=Sender.SUPERVISOR_NOTE,
        body="Vérifier le colis",
        created_at=timezone.now(),
    )
    return session, token


def test_the_active_topic_is_the_orms(chat_world: ChatWorld) -> None:
    # given an active topic and an inactive one
    ChatTopic.objects.create(
        code="ancien", label_fr="Ancien", label_en="Old", queue=chat_world.queue, active=False
    )
    for code in ("commande", "ancien", "inconnu"):
        # when each is read by hand and by the ORM
        by_hand = queries.active_topic(code)
        orm = ChatTopic.objects.select_related("queue").filter(code=code, active=True).first()
        # then they are the same row with the same queue (none for the inactive, the unknown)
        assert values(by_hand, "queue") == values(orm, "queue")
    assert queries.active_topic("commande") is not None
    assert queries.active_topic("ancien") is None


def test_the_customers_messages_are_the_orms(chat_world: ChatWorld) -> None:
    # given a conversation with a supervisor's note the customer may not see
    session, _ = _chat_in_hand(chat_world)
    for after in (0, 1, 2, 10):
        # when the messages after a number are read by hand and by the ORM
        by_hand = queries.customer_messages(session.contact_id, after)
        orm = ChatMessage.objects.filter(
            contact_id=session.contact_id, seq__gt=after, sender__in=CUSTOMER_VISIBLE
        ).order_by("seq")
        # then they are the same rows in the same order
        assert [values(m) for m in by_hand] == [values(m) for m in orm]
    assert Sender.SUPERVISOR_NOTE not in {
        m.sender for m in queries.customer_messages(session.contact_id, 0)
    }
    assert len(queries.customer_messages(session.contact_id, 0)) >= 3


def _orm_standing(contact_id: int) -> tuple[int, dt.datetime | None, str, str | None]:
    found = ChatSession.objects.filter(contact_id=contact_id).values_list(
        "last_seq", "customer_left_at", "contact__state", "contact__agent__user__first_name"
    )
    return found.get()


def test_the_standing_of_a_waiting_chat_and_of_one_in_hand_is_the_orms(
    chat_world: ChatWorld,
) -> None:
    # given a chat held by Camille that its customer left, and one waiting for an agent
    held, _ = _chat_in_hand(chat_world)
    waiting, _ = chat.chat_start(
        form=StartForm(topic="commande", name="Léa", message="Allô", client_id="w0")
    )
    chat.customer_leave(session=held)
    for session in (waiting, held):
        # when its standing is read by hand and by the ORM
        by_hand = queries.standing(session.contact_id)
        # then they agree
        assert by_hand == _orm_standing(session.contact_id)
    assert queries.standing(held.contact_id)[1] is not None
    assert queries.standing(held.contact_id)[3] == "Camille"
    assert queries.standing(waiting.contact_id)[3] is None


def test_the_session_of_a_token_is_the_orms(chat_world: ChatWorld) -> None:
    # given a chat, and a token nobody holds
    session, token = _chat_in_hand(chat_world)
    for candidate in (token, "not-a-token"):
        # when the session is looked up by hand and by the ORM
        by_hand = queries.session_by_token_hash(hash_token(candidate))
        orm = (
            ChatSession.objects.select_related("topic", "contact")
            .filter(token_hash=hash_token(candidate))
            .first()
        )
        # then they are the same row with the same topic (none for the unknown token)
        assert values(by_hand[0] if by_hand else None, "topic") == values(orm, "topic")
    found = queries.session_by_token_hash(hash_token(token))
    assert found is not None
    found_session, ended_at = found
    assert found_session.contact_id == session.contact_id
    assert ended_at is None  # the chat goes on
    # given the customer left, then the chat ended then (the contact is not closed yet)
    left = session.created_at + dt.timedelta(minutes=3)
    ChatSession.objects.filter(pk=session.pk).update(customer_left_at=left)
    assert queries.session_by_token_hash(hash_token(token)) == (found_session, left)
    found = (found_session, left)
    assert Contact.objects.filter(pk=found[0].contact_id).exists()
