"""A customer's messages: stored once per client id, numbered without gaps, refused once the
chat is over (a message sent again is still found)."""

from __future__ import annotations

import pytest

from relais.apps.chat import services as chat
from relais.apps.chat.models import ChatMessage, ChatSession
from relais.apps.chat.schemas import StartForm
from relais.apps.errors import RelaisError
from tests.apps.chat.fixtures import ChatWorld

pytestmark = pytest.mark.django_db(transaction=True)


def _start() -> ChatSession:
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")
    session, _ = chat.chat_start(form=form)
    return session


def test_a_message_sent_again_is_stored_once_and_numbers_stay_dense(
    chat_world: ChatWorld,
) -> None:
    session = _start()
    first = chat.customer_message(session=session, body="Ma commande", client_id="c1")
    again = chat.customer_message(session=session, body="Ma commande", client_id="c1")
    after = chat.customer_message(session=session, body="N° 42", client_id="c2")

    assert again.pk == first.pk
    assert [first.seq, after.seq] == [2, 3]  # the resend took no number
    stored = ChatMessage.objects.filter(contact_id=session.contact_id).order_by("seq")
    assert [(m.seq, m.client_id) for m in stored] == [(1, "c0"), (2, "c1"), (3, "c2")]
    assert ChatSession.objects.get(pk=session.pk).last_seq == 3


def test_once_the_customer_left_new_messages_are_refused_and_old_ones_found(
    chat_world: ChatWorld,
) -> None:
    session = _start()
    sent = chat.customer_message(session=session, body="Ma commande", client_id="c1")
    chat.customer_leave(session=session)
    count = ChatMessage.objects.count()

    with pytest.raises(RelaisError) as refused:
        chat.customer_message(session=session, body="Encore là ?", client_id="c2")

    assert refused.value.code == "chat_ended"
    assert ChatMessage.objects.count() == count
    assert chat.customer_message(session=session, body="Ma commande", client_id="c1").pk == sent.pk
    last = ChatSession.objects.get(pk=session.pk).last_seq
    assert last == ChatMessage.objects.filter(contact_id=session.contact_id).count()
