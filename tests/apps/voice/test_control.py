"""The control API the voice service calls: a call is a contact like a chat (same states,
same events), with its Call record beside it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.models import DeskEvent
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import (
    CALL_KINDS,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
)
from relais.apps.routing.models import Channel, Queue
from relais.apps.voice import control
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.models import Call, CallState, Number
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def kinds(contact_id: int) -> list[str]:
    return list(
        ContactEvent.objects.filter(contact_id=contact_id)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def arrive(phone: Routing, call_id: str = "a84b4c76e66710@pc33", caller: str = "+33612345678"):
    ticket = control.call_arrived(number=DIALLED, caller=caller, call_id=call_id)
    phone.step()
    return ticket


def test_a_call_arrives_as_a_voice_contact_of_its_number_queue(phone: Routing) -> None:
    ticket = control.call_arrived(
        number="0033 1 99 00 01 01", caller="+33 6 12 34 56 78", call_id="c1@op"
    )

    assert ticket == control.CallTicket(ticket.contact_id, "phone", "fr", "c1@op")
    contact = Contact.objects.get(pk=ticket.contact_id)
    assert (contact.channel, contact.queue.code, contact.state) == (
        Channel.VOICE,
        "phone",
        S.CREATED,
    )
    assert contact.customer_reference == "+33 6 12 34 56 78"
    assert contact.attributes["dialled"] == DIALLED
    call = Call.objects.get(pk=ticket.contact_id)
    assert (call.sip_call_id, call.state, call.number.number) == (
        "c1@op",
        CallState.QUEUED,
        DIALLED,
    )
    assert kinds(contact.pk) == [EventKind.CONTACT_CREATED]
    assert not AuditEntry.objects.exists()  # the customer is nobody's account: the log says it


def test_the_same_call_id_again_gives_the_same_ticket(phone: Routing) -> None:
    first = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    again = control.call_arrived(number="+33 1 99 00 01 01", caller="+33612345678", call_id="c1@op")

    assert again == first
    assert Contact.objects.count() == Call.objects.count() == 1


@pytest.mark.parametrize(
    ("dialled", "code", "http", "sip"),
    [("+33199009999", "unknown_number", 404, 404), ("not a number", "unknown_number", 404, 404)],
)
def test_an_unknown_number_is_refused_with_404(
    phone: Routing, dialled: str, code: str, http: int, sip: int
) -> None:
    with pytest.raises(RelaisError) as refused:
        control.call_arrived(number=dialled, caller="+33612345678", call_id="c1@op")
    assert (refused.value.code, refused.value.status, refused.value.code.sip_status) == (
        ErrorCode(code),
        http,
        sip,
    )
    assert dialled in refused.value.message
    assert not Contact.objects.exists()


def test_a_closed_queue_refuses_the_call_with_480(phone: Routing) -> None:
    paris_hour = dt.datetime.now(ZoneInfo("Europe/Paris")).hour
    hours = "mon-sun 13:00-14:00" if paris_hour < 12 else "mon-sun 01:00-02:00"
    Queue.objects.filter(code="phone").update(opening_hours=hours)  # not now

    with pytest.raises(RelaisError) as refused:
        control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")

    assert (refused.value.code, refused.value.code.sip_status) == (ErrorCode.QUEUE_CLOSED, 480)
    assert not Contact.objects.exists()


def test_an_inactive_number_is_unknown_and_a_chat_queue_is_not_called(phone: Routing) -> None:
    Number.objects.update(active=False)
    with pytest.raises(RelaisError) as unknown:
        control.call_arrived(number=DIALLED, caller="", call_id="c1@op")
    assert unknown.value.code is ErrorCode.UNKNOWN_NUMBER

    chat = Queue.objects.create(code="web", name_fr="Web", name_en="Web", channel=Channel.CHAT)
    Number.objects.create(number="+33199000102", queue=chat)  # the admin's check bypassed
    with pytest.raises(RelaisError) as refused:
        control.call_arrived(number="+33199000102", caller="", call_id="c2@op")
    assert refused.value.code is ErrorCode.NOT_VOICE_QUEUE
    assert not Contact.objects.exists()


def test_ringing_then_answered_accepts_the_offer_as_the_agent(phone: Routing) -> None:
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    ticket = arrive(phone)
    assert (phone.contact(ticket.contact_id).state, phone.contact(ticket.contact_id).agent_id) == (
        S.OFFERED,
        lille0.pk,
    )

    control.call_ringing(contact_id=ticket.contact_id, agent_id=lille0.pk)
    assert Call.objects.get(pk=ticket.contact_id).state == CallState.RINGING
    contact = control.call_answered(contact_id=ticket.contact_id, agent_id=lille0.pk)
    phone.step()

    assert (contact.state, contact.agent_id) == (S.ACCEPTED, lille0.pk)
    call = Call.objects.get(pk=ticket.contact_id)
    assert (call.state, call.answered_at) == (CallState.ANSWERED, contact.accepted_at)
    entry = AuditEntry.objects.get(action="contact.accept")
    assert entry.actor_id == lille0.user_id  # the agent answered
    assert kinds(ticket.contact_id)[-3:] == [
        EventKind.CALL_RINGING,
        EventKind.OFFER_ACCEPTED,
        EventKind.CALL_ANSWERED,
    ]
    opened = DeskEvent.objects.get(agent_id=lille0.pk, kind="chat.opened")  # the call's tab
    assert (opened.contact_id, opened.payload["chat"]["channel"]) == (ticket.contact_id, "voice")
    assert opened.payload["chat"]["state"] == S.ACCEPTED
    again = control.call_answered(contact_id=ticket.contact_id, agent_id=lille0.pk)
    assert again.state == S.ACCEPTED
    assert AuditEntry.objects.filter(action="contact.accept").count() == 1
    assert DeskEvent.objects.filter(agent_id=lille0.pk, kind="chat.opened").count() == 1


def test_an_answer_by_another_agent_is_refused(phone: Routing) -> None:
    login(phone, "lille0")
    ticket = arrive(phone)
    other = phone.world.agents["lille1"]

    with pytest.raises(RelaisError) as refused:
        control.call_answered(contact_id=ticket.contact_id, agent_id=other.pk)

    assert refused.value.code.value == "not_your_offer"  # the voice service sends BYE
    assert phone.contact(ticket.contact_id).state == S.OFFERED
    assert Call.objects.get(pk=ticket.contact_id).state == CallState.QUEUED


def test_a_declined_call_is_offered_to_the_next_agent(phone: Routing) -> None:
    login(phone, "lille0")
    ticket = arrive(phone)
    lille0, lille1 = phone.world.agents["lille0"], phone.world.agents["lille1"]
    login(phone, "lille1")

    control.call_declined(contact_id=ticket.contact_id, agent_id=lille0.pk, sip_status=486)
    phone.step()

    contact = phone.contact(ticket.contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, lille1.pk)
    assert contact.declined_by == [lille0.pk]
    declined = ContactEvent.objects.get(contact_id=contact.pk, kind=EventKind.CALL_DECLINED)
    assert (declined.agent_id, declined.data) == (lille0.pk, {"sip": 486})
    # declining again, too late: the record is unchanged
    control.call_declined(contact_id=ticket.contact_id, agent_id=lille0.pk, sip_status=486)
    assert phone.contact(ticket.contact_id).agent_id == lille1.pk


def test_a_caller_hanging_up_while_waiting_abandons_the_contact(phone: Routing) -> None:
    ticket = arrive(phone)
    assert phone.contact(ticket.contact_id).state == S.QUEUED

    control.call_ended(contact_id=ticket.contact_id, by="caller")
    phone.step()

    contact = phone.contact(ticket.contact_id)
    assert (contact.state, contact.close_reason) == (S.ABANDONED, "")
    call = Call.objects.get(pk=ticket.contact_id)
    assert (call.state, call.ended_by) == (CallState.ENDED, "caller")
    assert call.ended_at is not None
    control.call_ended(contact_id=ticket.contact_id, by="system")  # BYE seen twice: no change
    assert Call.objects.get(pk=ticket.contact_id).ended_by == "caller"


def test_hanging_up_an_answered_call_completes_it(phone: Routing) -> None:
    phone.queue.wrap_up_seconds = 30
    phone.queue.save()
    phone.router.rebuild()
    login(phone, "lille0")
    lille0 = phone.world.agents["lille0"]
    ticket = arrive(phone)
    control.call_answered(contact_id=ticket.contact_id, agent_id=lille0.pk)
    phone.step()

    control.call_ended(contact_id=ticket.contact_id, by="agent")
    phone.step()

    contact = phone.contact(ticket.contact_id)
    assert (contact.state, contact.agent_id) == (S.WRAP_UP, lille0.pk)
    assert AuditEntry.objects.get(action="contact.complete").actor_id == lille0.user_id
    assert kinds(contact.pk)[-2:] == [EventKind.CALL_ENDED, EventKind.CONTACT_COMPLETED]
    asked = DeskEvent.objects.filter(agent_id=lille0.pk, kind="contact.completed")
    assert list(asked.values_list("contact_id", flat=True)) == [contact.pk]  # wrap-up form


def test_who_hung_up_must_be_known(phone: Routing) -> None:
    ticket = arrive(phone)
    with pytest.raises(RelaisError) as refused:
        control.call_ended(contact_id=ticket.contact_id, by="operator")
    assert refused.value.code is ErrorCode.BAD_HUNG_UP_BY


def test_call_detail_goes_to_the_contact_log_without_keypad_digits(phone: Routing) -> None:
    ticket = arrive(phone)

    control.call_event(contact_id=ticket.contact_id, kind="dtmf", digits="4970101234567890")
    control.call_event(contact_id=ticket.contact_id, kind="hold", by="agent")

    dtmf, hold = ContactEvent.objects.filter(contact_id=ticket.contact_id).order_by("-id")[:2][::-1]
    assert (dtmf.kind, dtmf.data) == (EventKind.CALL_DTMF, {"count": 16})
    assert (hold.kind, hold.data) == (EventKind.CALL_HOLD, {"by": "agent"})
    for kind in ("teleport", "answered"):  # answered: call_answered, which accepts the offer
        with pytest.raises(RelaisError) as refused:
            control.call_event(contact_id=ticket.contact_id, kind=kind)
        assert refused.value.code is ErrorCode.UNKNOWN_CALL_EVENT
    assert {f"call.{kind}" for kind in control.DETAIL_KINDS} <= set(CALL_KINDS)


def test_the_dialog_is_kept_for_a_standby(phone: Routing) -> None:
    ticket = arrive(phone, call_id="c1@op")
    caller_leg = {"call_id": "c1@op", "local_tag": "b2b", "remote_tag": "op", "cseq": 1}
    control.call_dialog_save(call_id="c1@op", dialog={"caller": caller_leg})
    control.call_dialog_save(
        call_id="c1@op", dialog={"agent": {"call_id": "a1@relais"}, "rtpengine": {"call_id": "r"}}
    )
    control.call_dialog_save(call_id="c1@op", dialog={"agent": None})  # back in its queue

    (established,) = control.calls_established()
    assert established.contact_id == ticket.contact_id
    assert established.dialog == {"caller": caller_leg, "rtpengine": {"call_id": "r"}}
    assert (established.queue_code, established.language, established.contact_state) == (
        "phone",
        "fr",
        S.QUEUED,
    )
    control.call_ended(contact_id=ticket.contact_id, by="caller")
    assert control.calls_established() == []
    with pytest.raises(RelaisError) as refused:
        control.call_dialog_save(call_id="nobody@op", dialog={})
    assert (refused.value.code, refused.value.code.sip_status) == (ErrorCode.UNKNOWN_CALL, 481)
