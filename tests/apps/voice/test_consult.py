"""Consulting a colleague during a call, the record's side (voice/consult.py, the desktop's
requests in desktop/calls.py): the steps in the contact's log, what the voice service is told
through the offers feed, the completion as the blind transfer's service, the refusals."""

from __future__ import annotations

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.deskstream.models import DeskEvent
from relais.apps.desktop.calls import desk_consult, desk_consult_back, desk_consult_complete
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.voice import control
from relais.apps.voice.consult import call_consult_start, consult_of
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.offers import Consult, ConsultEnded, OffersFeed, Transferred
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

S = ContactState


def answered(phone: Routing) -> tuple[int, Agent]:
    """A call answered by lille0 (the only one logged in then), lille1 logged in after."""
    login(phone, "lille0")
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    phone.step()
    first = phone.world.agents["lille0"]
    control.call_answered(contact_id=ticket.contact_id, agent_id=first.pk)
    phone.step()
    login(phone, "lille1")
    return ticket.contact_id, first


def steps(contact_id: int) -> list[tuple[str, str]]:
    return [
        (data["step"], data.get("reason", ""))
        for data in ContactEvent.objects.filter(contact_id=contact_id, kind=EventKind.CALL_CONSULT)
        .order_by("id")
        .values_list("data", flat=True)
    ]


def test_consulting_a_colleague_logs_it_tells_the_desktop_and_rings_the_colleague(
    phone: Routing,
) -> None:
    # given a call answered by lille0, and the voice service following the log
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    feed = OffersFeed()

    # when lille0 consults lille1 from the desktop
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)

    # then the step is logged, audited, shown in lille0's desktop, and the voice service told
    assert steps(contact_id) == [("started", "")]
    assert AuditEntry.objects.filter(action="call.consult_start", actor_id=first.user_id).exists()
    shown = DeskEvent.objects.filter(agent_id=first.pk, kind="call.consult").last()
    assert shown is not None
    assert shown.payload["step"] == "started"
    assert shown.payload["colleague"]
    commands = [c for c in feed.poll() if isinstance(c, Consult)]
    assert len(commands) == 1
    assert (commands[0].agent_id, commands[0].ring.agent_id) == (first.pk, colleague.pk)
    assert commands[0].ring.x_relais_contact == str(contact_id)
    # and the contact has not moved: the caller is still lille0's
    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.ACCEPTED, first.pk)


def test_completing_transfers_the_call_to_the_colleague_once_they_answered(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)
    # not before the colleague answers
    with pytest.raises(RelaisError) as early:
        desk_consult_complete(actor=first.user, contact_id=contact_id)
    assert early.value.code is ErrorCode.COLLEAGUE_NOT_ANSWERED
    control.call_consult_step(
        contact_id=contact_id, agent_id=first.pk, to_agent=colleague.pk, step="answered"
    )
    feed = OffersFeed()

    # when lille0 completes the transfer
    desk_consult_complete(actor=first.user, contact_id=contact_id)
    phone.step()

    # then the contact is transferred to lille1 as the desktop's transfer does, and offered
    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, colleague.pk)
    transferred = ContactEvent.objects.get(
        contact_id=contact_id, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert (transferred.agent_id, transferred.data["to_agent"]) == (first.pk, colleague.pk)
    assert AuditEntry.objects.filter(action="contact.transfer", actor_id=first.user_id).exists()
    assert steps(contact_id) == [("started", ""), ("answered", ""), ("completed", "")]
    assert DeskEvent.objects.filter(
        agent_id=first.pk, kind="contact.closed", payload__reason="transferred"
    ).exists()
    commands = feed.poll()
    assert any(isinstance(c, Transferred) and c.to_agent == colleague.pk for c in commands)
    assert not any(isinstance(c, ConsultEnded) for c in commands)
    # and the colleague's answer (the voice service) is the offer's accept
    control.call_answered(contact_id=contact_id, agent_id=colleague.pk)
    assert phone.contact(contact_id).state == S.ACCEPTED


def test_going_back_to_the_caller_ends_the_consultation(phone: Routing) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)
    feed = OffersFeed()

    desk_consult_back(actor=first.user, contact_id=contact_id)

    assert steps(contact_id) == [("started", ""), ("ended", "back_to_caller")]
    assert feed.poll() == [ConsultEnded(contact_id, first.pk, "back_to_caller")]
    assert AuditEntry.objects.filter(action="call.consult_end", actor_id=first.user_id).exists()
    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.ACCEPTED, first.pk)
    # what the voice service then reports of that consultation changes nothing
    control.call_consult_step(
        contact_id=contact_id, agent_id=first.pk, to_agent=colleague.pk, step="answered"
    )
    assert steps(contact_id) == [("started", ""), ("ended", "back_to_caller")]
    with pytest.raises(RelaisError) as over:
        desk_consult_complete(actor=first.user, contact_id=contact_id)
    assert over.value.code is ErrorCode.NO_CONSULT
    # and the agent may consult again
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)
    assert consult_of(contact_id) is not None


def test_a_colleague_who_declines_ends_the_consultation_and_the_agent_is_told(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)

    control.call_consult_step(
        contact_id=contact_id,
        agent_id=first.pk,
        to_agent=colleague.pk,
        step="ended",
        reason="declined",
    )

    assert steps(contact_id)[-1] == ("ended", "declined")
    told = DeskEvent.objects.filter(agent_id=first.pk, kind="call.consult").last()
    assert told is not None
    assert (told.payload["step"], told.payload["reason"]) == ("ended", "declined")


def test_the_caller_hanging_up_during_a_consultation_ends_the_call_as_usual(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)

    # the voice service: the consultation ends, then the call, hung up by the caller
    control.call_consult_step(
        contact_id=contact_id,
        agent_id=first.pk,
        to_agent=colleague.pk,
        step="ended",
        reason="caller_hung_up",
    )
    control.call_ended(contact_id=contact_id, by="caller")

    contact = phone.contact(contact_id)
    assert contact.state in (S.WRAP_UP, S.CLOSED)  # completed by the agent, as any call
    assert contact.agent_id == first.pk
    assert ContactEvent.objects.filter(
        contact_id=contact_id, kind=EventKind.CONTACT_COMPLETED, agent_id=first.pk
    ).exists()
    assert steps(contact_id)[-1] == ("ended", "caller_hung_up")


def test_the_agent_lost_after_the_colleague_answered_hands_the_call_over(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)
    control.call_consult_step(
        contact_id=contact_id, agent_id=first.pk, to_agent=colleague.pk, step="answered"
    )

    control.call_consult_handover(contact_id=contact_id, agent_id=first.pk, reason="agent_lost")
    phone.step()

    contact = phone.contact(contact_id)
    assert (contact.state, contact.agent_id) == (S.OFFERED, colleague.pk)
    assert steps(contact_id)[-1] == ("completed", "agent_lost")


@pytest.mark.parametrize("who", ["self", "other_site", "unknown"])
def test_a_colleague_not_in_the_transfer_list_is_refused(phone: Routing, who: str) -> None:
    contact_id, first = answered(phone)
    target = {
        "self": first.pk,
        "other_site": phone.world.agents["rabat0"].pk,
        "unknown": 999_999,
    }[who]

    with pytest.raises(RelaisError) as refused:
        desk_consult(actor=first.user, contact_id=contact_id, agent_id=target)

    assert refused.value.code is ErrorCode.CONSULT_TARGET
    assert steps(contact_id) == []


def test_only_the_agent_talking_on_the_call_may_consult_and_only_once_at_a_time(
    phone: Routing,
) -> None:
    contact_id, first = answered(phone)
    colleague = phone.world.agents["lille1"]
    with pytest.raises(RelaisError) as not_theirs:
        call_consult_start(agent=colleague, contact_id=contact_id, to_agent=first.pk)
    assert not_theirs.value.code is ErrorCode.NOT_ON_A_CALL
    desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)

    with pytest.raises(RelaisError) as twice:
        desk_consult(actor=first.user, contact_id=contact_id, agent_id=colleague.pk)

    assert twice.value.code is ErrorCode.CONSULT_IN_PROGRESS
    with pytest.raises(RelaisError) as unknown:
        control.call_consult_step(
            contact_id=contact_id, agent_id=first.pk, to_agent=colleague.pk, step="odd"
        )
    assert unknown.value.code is ErrorCode.UNKNOWN_CALL_EVENT
