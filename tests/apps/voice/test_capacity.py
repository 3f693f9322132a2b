"""A call blocks new chats unless the chat's queue allows both (`Queue.chats_during_calls`,
carried into the engine's `QueueConfig`), through the router in-process."""

from __future__ import annotations

from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.config import engine_queue
from relais.apps.routing.models import Queue
from relais.apps.voice import control
from tests.apps.routing.fixtures import Routing, orders_queue
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def chat(phone: Routing) -> Contact:
    contact = services.contact_create(actor=phone.world.users["administrator"], queue_code="orders")
    phone.step()
    return Contact.objects.get(pk=contact.pk)


def on_a_call(phone: Routing, sharing: bool) -> None:
    orders_queue(phone.world)  # chats, with the same internal first step
    Queue.objects.filter(code="orders").update(chats_during_calls=sharing)
    phone.router.rebuild()
    login(phone, "lille0")
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    phone.step()
    control.call_answered(contact_id=ticket.contact_id, agent_id=phone.world.agents["lille0"].pk)
    phone.step()


def test_the_flag_reaches_the_engine(phone: Routing) -> None:
    queue = orders_queue(phone.world)
    assert not engine_queue(queue).chats_during_calls
    queue.chats_during_calls = True
    assert engine_queue(queue).chats_during_calls


def test_a_call_blocks_a_chat(phone: Routing) -> None:
    on_a_call(phone, sharing=False)
    assert chat(phone).state == S.QUEUED


def test_a_queue_that_allows_both_offers_its_chat_during_the_call(phone: Routing) -> None:
    on_a_call(phone, sharing=True)
    contact = chat(phone)
    assert (contact.state, contact.agent_id) == (S.OFFERED, phone.world.agents["lille0"].pk)
