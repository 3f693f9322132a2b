"""Attended (consultative) transfer through the real stack: rtpengine, `relais voice` and
`relais router` processes, SIPp as the operator and as the agents' desk phones (docs/voice.md,
"Consulting a colleague", "Consulting a queue"). The agent's requests go through the record as
the desktop sends them (`voice.consult`); the voice service follows them through the offers
feed."""

from __future__ import annotations

import subprocess
import time

import pytest

from relais.apps.deskstream.models import DeskEvent
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.routing.holds import QueueHold
from relais.apps.routing.models import Queue
from relais.apps.voice.consult import (
    call_consult_back,
    call_consult_complete,
    call_consult_queue_start,
    call_consult_start,
)
from relais.apps.voice.models import Call, CallState
from tests.apps.conftest import World
from tests.apps.presence import desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    answering_desk,
    declining_scenario,
    desk_phone,
    finished,
    free_udp_port,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def caller_media(stack: Stack) -> dict[str, int]:
    """rtpengine's packet counts per side of the call (for a failure's message)."""
    call = Call.objects.first()
    if call is None:
        return {}
    try:
        legs = stack.ng.query(call_id=call.sip_call_id).legs
    except Exception as error:  # only said in a failure's message
        return {"error": str(error)}  # type: ignore[dict-item]
    return {tag: leg.packets for tag, leg in legs.items()}


def consult_steps(contact_id: int) -> list[str]:
    return [
        data["step"]
        for data in ContactEvent.objects.filter(contact_id=contact_id, kind=EventKind.CALL_CONSULT)
        .order_by("id")
        .values_list("data", flat=True)
    ]


def consulting(
    world: World,
    stack: Stack,
    media: RtpEndpoint,
    colleague_port: int,
    *,
    agent_echoes: bool,
    queue: Queue | None = None,
) -> Contact:
    """The call answered by lille0 (`agent_echoes`: with audio both ways), lille1 logged in
    (their desk phone on `colleague_port`), then lille0 consults lille1 (by name, or `queue`,
    where lille1 is the only one free) until lille1 answered."""
    if agent_echoes:
        assert wait_for(lambda: media.echoed > 10, 30), stack.logs()
    else:
        assert wait_for(lambda: Call.objects.filter(state=CallState.ANSWERED).exists(), 30), (
            stack.logs()
        )
    contact = Contact.objects.get()
    colleague = desk_phone(world, "lille1", colleague_port)
    began = time.time()
    if queue is None:
        call_consult_start(
            agent=world.agents["lille0"], contact_id=contact.pk, to_agent=colleague.pk
        )
    else:
        consultation = call_consult_queue_start(
            agent=world.agents["lille0"], contact_id=contact.pk, queue=queue
        )
        assert consultation.to_agent == colleague.pk
    assert wait_for(lambda: "answered" in consult_steps(contact.pk), 30), stack.logs()
    # while they talk, the caller hears music and no longer the agent (whose phone, when it
    # echoes, would send the caller's audio back: it does not reach it now)
    assert wait_for(lambda: any(at > began for at in media.music_times), 10), stack.logs()
    time.sleep(1)  # audio on its way before the consultation began has arrived
    echoed = media.echoed
    music = len(media.music_times)
    assert wait_for(lambda: len(media.music_times) > music + 50, 10), stack.logs()
    assert media.echoed == echoed, stack.logs()
    return contact


def handed_over(
    stack: Stack,
    media: RtpEndpoint,
    first_phone: subprocess.Popen[bytes],
    caller: subprocess.Popen[bytes],
    colleague_phone: subprocess.Popen[bytes],
) -> None:
    """After a completed consultation: the consulting agent's leg is hung up, then the caller
    hears the colleague (their phone's echo) until the caller hangs up."""
    assert finished(first_phone, stack, 30) == 0, stack.logs()
    first_gone = time.time()
    assert wait_for(lambda: any(at > first_gone for at in media.echo_times), 20), (
        caller_media(stack),
        stack.logs(),
    )
    heard = sum(1 for at in media.echo_times if at > first_gone)
    assert wait_for(
        lambda: sum(1 for at in media.echo_times if at > first_gone) > heard + 20, 20
    ), stack.logs()
    assert finished(caller, stack, 60) == 0, stack.logs()
    assert finished(colleague_phone, stack, 30) == 0, stack.logs()


def test_an_agent_consults_a_colleague_then_hands_the_caller_over(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by lille0's desk phone, and lille1's desk phone, which echoes
    first_port, colleague_port = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    first_phone = answering_desk(stack, "first", first_port, echo=False)
    colleague_phone = answering_desk(stack, "colleague", colleague_port, echo=True)
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=25000)
        # when lille0 consults lille1, who answers, then completes the transfer
        contact = consulting(world, stack, media, colleague_port, agent_echoes=False)
        call_consult_complete(agent=first, contact_id=contact.pk)
        # then lille0's leg is hung up, and the caller hears lille1 (their phone's echo)
        handed_over(stack, media, first_phone, caller, colleague_phone)

    # and the record: transferred to lille1 as the desktop's transfer does, the steps logged
    colleague = world.agents["lille1"]
    transferred = ContactEvent.objects.get(
        contact_id=contact.pk, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert (transferred.agent_id, transferred.data["to_agent"]) == (first.pk, colleague.pk)
    assert consult_steps(contact.pk) == ["started", "answered", "completed"]
    answered_by = list(
        ContactEvent.objects.filter(contact_id=contact.pk, kind=EventKind.CALL_ANSWERED)
        .order_by("id")
        .values_list("agent_id", flat=True)
    )
    assert answered_by == [first.pk, colleague.pk]
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").exists(), 10
    )
    contact.refresh_from_db()
    assert contact.agent_id == colleague.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def test_an_agent_consults_a_queue_then_hands_the_caller_over_to_the_agent_picked(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by lille0's desk phone; lille1, free, the queue's only other agent
    first_port, colleague_port = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    first_phone = answering_desk(stack, "first", first_port, echo=False)
    colleague_phone = answering_desk(stack, "colleague", colleague_port, echo=True)
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()
    colleague = world.agents["lille1"]

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=25000)
        # when lille0 consults the queue: the engine picks lille1, whose phone rings, answers
        contact = consulting(
            world, stack, media, colleague_port, agent_echoes=False, queue=phone_queue
        )
        assert QueueHold.objects.filter(agent=colleague, source=f"consult:{contact.pk}").exists()
        # and lille0 completes the transfer
        call_consult_complete(agent=first, contact_id=contact.pk)
        # then lille0's leg is hung up, and the caller hears lille1 (their phone's echo)
        handed_over(stack, media, first_phone, caller, colleague_phone)

    # and the record: the queue and the agent picked in the log, transferred to them, the
    # reservation lifted
    started = ContactEvent.objects.filter(contact_id=contact.pk, kind=EventKind.CALL_CONSULT)
    first_step = started.order_by("id").first()
    assert first_step is not None
    assert first_step.data == {"step": "started", "to_agent": colleague.pk, "to_queue": "phone"}
    transferred = ContactEvent.objects.get(
        contact_id=contact.pk, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert (transferred.agent_id, transferred.data["to_agent"]) == (first.pk, colleague.pk)
    assert consult_steps(contact.pk) == ["started", "answered", "completed"]
    assert not QueueHold.objects.exists()
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").exists(), 10
    )
    contact.refresh_from_db()
    assert contact.agent_id == colleague.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def test_an_agent_consults_a_colleague_then_goes_back_to_the_caller(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by lille0's desk phone, which echoes, and lille1's desk phone
    first_port, colleague_port = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    first_phone = answering_desk(stack, "first", first_port, echo=True)
    colleague_phone = answering_desk(stack, "colleague", colleague_port, echo=False)
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=20000)
        contact = consulting(world, stack, media, colleague_port, agent_echoes=True)
        # when lille0 goes back to the caller
        call_consult_back(agent=first, contact_id=contact.pk)
        # then lille1's leg is hung up, the caller hears lille0 again and the music stops
        assert finished(colleague_phone, stack, 30) == 0, stack.logs()
        colleague_gone = time.time()
        assert wait_for(
            lambda: sum(1 for at in media.echo_times if at > colleague_gone) > 20, 20
        ), (caller_media(stack), stack.logs())
        music_then = len(media.music_times)
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(first_phone, stack, 30) == 0, stack.logs()

    assert len(media.music_times) - music_then <= 2, stack.logs()  # the music stopped
    assert consult_steps(contact.pk) == ["started", "answered", "ended"]
    ended = ContactEvent.objects.filter(contact_id=contact.pk, kind=EventKind.CALL_CONSULT).last()
    assert ended is not None
    assert ended.data["reason"] == "back_to_caller"
    assert not ContactEvent.objects.filter(
        contact_id=contact.pk, kind=EventKind.CONTACT_TRANSFERRED
    ).exists()
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").exists(), 10
    )
    contact.refresh_from_db()
    assert contact.agent_id == first.pk


def test_a_colleague_who_declines_leaves_the_caller_with_the_agent(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by lille0's desk phone, which echoes, and lille1's busy desk phone
    first_port, colleague_port = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    first_phone = answering_desk(stack, "first", first_port, echo=True)
    busy = sipp(stack.workdir, "busy", declining_scenario(), "-p", str(colleague_port))
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=15000)
        assert wait_for(lambda: media.echoed > 10, 30), stack.logs()
        contact = Contact.objects.get()
        colleague = desk_phone(world, "lille1", colleague_port)
        # when lille0 consults lille1, whose phone answers 486 Busy Here
        call_consult_start(agent=first, contact_id=contact.pk, to_agent=colleague.pk)
        assert finished(busy, stack, 30) == 0, stack.logs()
        assert wait_for(lambda: "ended" in consult_steps(contact.pk), 20), stack.logs()
        declined = time.time()
        # then the caller hears lille0 again, and lille0's desktop is told why
        assert wait_for(lambda: sum(1 for at in media.echo_times if at > declined) > 20, 20), (
            caller_media(stack),
            stack.logs(),
        )
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(first_phone, stack, 30) == 0, stack.logs()

    ended = ContactEvent.objects.filter(contact_id=contact.pk, kind=EventKind.CALL_CONSULT).last()
    assert ended is not None
    assert (ended.data["step"], ended.data["reason"]) == ("ended", "declined")
    told = DeskEvent.objects.filter(agent_id=first.pk, kind="call.consult").last()
    assert told is not None
    assert told.payload["reason"] == "declined"
    contact.refresh_from_db()
    assert contact.agent_id == first.pk
