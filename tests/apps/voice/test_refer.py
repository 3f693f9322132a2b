"""A desk phone's transfer key (a REFER to the voice service): the record transfers the call
as the desktop's transfer does, to an agent or to the queue of a number; an unknown target
is refused and changes nothing."""

from __future__ import annotations

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, ContactState, EventKind
from relais.apps.routing.models import Channel, Queue
from relais.apps.voice import control
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.models import Number
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def answered(phone: Routing) -> tuple[int, int]:
    """A call answered by the agent it was offered to: (contact id, agent id)."""
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="r1@op")
    phone.step()
    agent_id = phone.contact(ticket.contact_id).agent_id
    assert agent_id is not None
    control.call_answered(contact_id=ticket.contact_id, agent_id=agent_id)
    phone.step()
    return ticket.contact_id, agent_id


def test_a_refer_to_an_agent_offers_the_call_to_that_agent(phone: Routing) -> None:
    login(phone, "lille0")
    contact_id, first = answered(phone)
    login(phone, "lille1")
    second = phone.world.agents["lille1"]

    control.call_refer(contact_id=contact_id, agent_id=first, target=f"agent-{second.pk}")
    phone.step()

    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, second.pk)
    transferred = ContactEvent.objects.get(
        contact_id=contact_id, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert (transferred.agent_id, transferred.data["to_agent"]) == (first, second.pk)
    assert AuditEntry.objects.filter(
        action="contact.transfer", actor_id=phone.world.agents["lille0"].user_id
    ).exists()


def test_a_refer_to_a_number_moves_the_call_to_its_queue(phone: Routing) -> None:
    other = Queue.objects.create(
        code="billing-phone", name_fr="Facturation", name_en="Billing", channel=Channel.VOICE
    )
    Number.objects.create(number="+33199000102", queue=other, label="Facturation")
    login(phone, "lille0")
    contact_id, first = answered(phone)

    control.call_refer(contact_id=contact_id, agent_id=first, target="0033199000102")

    contact = phone.contact(contact_id)
    assert contact.queue_id == other.pk
    assert contact.state in (S.QUEUED, S.CREATED)


@pytest.mark.parametrize("target", ["agent-x", "+33100000000", "", "sip:nobody"])
def test_an_unknown_target_is_refused_and_changes_nothing(phone: Routing, target: str) -> None:
    login(phone, "lille0")
    contact_id, first = answered(phone)

    with pytest.raises(RelaisError) as refused:
        control.call_refer(contact_id=contact_id, agent_id=first, target=target)

    assert refused.value.code is ErrorCode.UNKNOWN_TRANSFER_TARGET
    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.ACCEPTED, first)
