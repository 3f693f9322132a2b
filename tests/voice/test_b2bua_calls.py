"""`relais voice` with a real rtpengine, SIPp as the operator and as agents' desk phones, and
a `relais router` process, on PostgreSQL (docs/voice.md, "Call control")."""

from __future__ import annotations

import time

import pytest

from relais.apps.interactions import services
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.routing.models import Queue
from relais.apps.voice.models import AgentLine, Call, CallState
from relais.apps.voice.stack.kamailio import SipAddress
from relais.apps.voice.stack.processes import VoiceStack
from tests.apps.conftest import World
from tests.apps.presence import desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    agent_scenario,
    call_ended,
    declining_scenario,
    desk_phone,
    finished,
    free_udp_port,
    holding_agent_scenario,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def test_a_call_is_queued_with_music_routed_answered_hung_up_and_wrapped_up(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given an agent whose desk phone answers 1.5 s after it rings, echoing the audio
    agent_port, agent_media = free_udp_port(), free_udp_port()
    agent = desk_phone(world, "lille0", agent_port)
    phone = sipp(
        stack.workdir,
        "agent",
        agent_scenario(answer_after_ms=1500),
        "-p",
        str(agent_port),
        "-mp",
        str(agent_media),
        "-rtp_echo",
    )
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        # when the operator calls the number, re-INVITEs (a session refresh: 200 with the
        # same media, the agent's leg untouched) and hangs up after a while
        caller = stack.dial(media, hang_up_after_ms=6000, reinvite=True)
        assert finished(caller, stack) == 0, stack.logs()
        assert finished(phone, stack) == 0, stack.logs()

    # then the caller heard music while the agent's phone rang, then the agent both ways
    assert media.music > 0, stack.logs()
    assert media.echoed > 0, stack.logs()
    assert media.music_after_echo <= 2  # the music stopped when the agent answered
    call = Call.objects.get()
    contact = wait_for(
        lambda: Contact.objects.filter(
            pk=call.contact_id, state__in=[ContactState.WRAP_UP, ContactState.CLOSED]
        ).first(),
        10,
    )
    assert contact is not None, stack.logs()
    assert contact.agent_id == agent.pk
    call.refresh_from_db()
    assert (call.state, call.ended_by) == (CallState.ENDED, "caller")
    kinds = list(
        ContactEvent.objects.filter(contact_id=call.contact_id, kind__startswith="call.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [EventKind.CALL_RINGING, EventKind.CALL_ANSWERED, EventKind.CALL_ENDED]
    # and the wrap-up ends (the queue's wrap-up is 1 s)
    assert wait_for(
        lambda: Contact.objects.filter(pk=call.contact_id, state=ContactState.CLOSED).exists(), 15
    ), stack.logs()


def test_an_agent_lost_mid_call_puts_the_caller_back_in_line_for_the_next_agent(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given an agent whose phone answers but whose audio never comes (a dead link), and a
    # second agent with a working desk phone, logged in once the first has answered
    lost_port, good_port, good_media = free_udp_port(), free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", lost_port)
    dead = sipp(
        stack.workdir, "dead-agent", agent_scenario(answer_after_ms=500), "-p", str(lost_port)
    )
    good = sipp(
        stack.workdir,
        "good-agent",
        agent_scenario(answer_after_ms=500),
        "-p",
        str(good_port),
        "-mp",
        str(good_media),
        "-rtp_echo",
    )
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=20000)
        assert wait_for(lambda: Call.objects.filter(state=CallState.ANSWERED).exists(), 30), (
            stack.logs()
        )
        second = desk_phone(world, "lille1", good_port)
        # when the first agent's audio never comes: lost, and the second agent answers
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(dead, stack) == 0, stack.logs()
        assert finished(good, stack) == 0, stack.logs()

    call = call_ended(stack)
    events = dict(
        ContactEvent.objects.filter(contact_id=call.contact_id, kind__startswith="call.")
        .order_by("id")
        .values_list("kind", "agent_id")
    )
    assert events[EventKind.CALL_AGENT_LOST] == first.pk, stack.logs()
    lost_at = ContactEvent.objects.get(
        contact_id=call.contact_id, kind=EventKind.CALL_AGENT_LOST
    ).at.timestamp()
    # then the caller heard music again after the loss, and the second agent both ways
    assert any(at > lost_at for at in media.music_times), stack.logs()
    assert media.echoed > 0, stack.logs()
    contact = Contact.objects.get(pk=call.contact_id)
    assert contact.agent_id == second.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def test_the_standby_takes_over_a_call_whose_active_voice_service_was_killed(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    voice_stack: VoiceStack,
    voice_service_addresses: tuple[SipAddress, SipAddress],
) -> None:
    # given an active voice service and a standby at the two addresses of Kamailio's
    # dispatcher set, the operator calling Kamailio, and an agent whose desk phone answers
    # and echoes the audio
    agent_port, agent_media = free_udp_port(), free_udp_port()
    agent = desk_phone(world, "lille0", agent_port)
    phone = sipp(
        stack.workdir,
        "agent",
        agent_scenario(answer_after_ms=500),
        "-p",
        str(agent_port),
        "-mp",
        str(agent_media),
        "-rtp_echo",
    )
    stack.start("router", "router", "--poll", "0.05")
    first, second = voice_service_addresses
    active = stack.voice("voice-a", sip_port=first.port)
    stack.voice("voice-b", sip_port=second.port)
    assert "standby" in (stack.workdir / "voice-b.log").read_text()
    edge = "{}:{}".format(*voice_stack.sip_address)

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=15000, target=edge)
        assert wait_for(lambda: media.echoed > 20, 30), stack.logs()
        # when the active service dies mid-call (Kamailio's probes then find the standby)
        active.kill()
        active.wait()
        killed_at = time.time()
        taken = wait_for(
            lambda: "1 calls carried on" in (stack.workdir / "voice-b.log").read_text(), 30
        )
        assert taken, stack.logs()
        # then the caller's BYE, routed by Kamailio to the standby, ends the call on both sides
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(phone, stack) == 0, stack.logs()

    # and the audio went on through the failover (rtpengine kept the media)
    assert any(at > killed_at + 1 for at in media.echo_times), stack.logs()
    call = Call.objects.get()
    assert wait_for(
        lambda: Call.objects.filter(pk=call.pk, state=CallState.ENDED, ended_by="caller").exists(),
        10,
    ), stack.logs()
    contact = Contact.objects.get(pk=call.contact_id)
    assert contact.agent_id == agent.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)

    # and a new call, through Kamailio, is taken by the standby (now the active service); the
    # agent's phone on a new port (SIPp answered the last BYE to the dead service's address,
    # which the standby still retransmits for a while)
    agent_port = free_udp_port()
    AgentLine.objects.filter(agent=agent).update(static_contact=f"sip:agent@127.0.0.1:{agent_port}")
    second_phone = sipp(
        stack.workdir,
        "agent-2",
        agent_scenario(answer_after_ms=500),
        "-p",
        str(agent_port),
        "-mp",
        str(agent_media),
        "-rtp_echo",
    )
    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=3000, name="caller-2", target=edge)
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(second_phone, stack) == 0, stack.logs()
    assert media.echoed > 0, stack.logs()
    assert wait_for(lambda: Call.objects.filter(state=CallState.ENDED).count() == 2, 10), (
        stack.logs()
    )


def test_a_call_transferred_by_the_desktop_rings_the_new_agent_and_leaves_the_first(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by a first agent, a second agent logged in with a desk phone
    first_port, first_media = free_udp_port(), free_udp_port()
    second_port, second_media = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    phones = [
        sipp(
            stack.workdir,
            "first-agent",
            agent_scenario(answer_after_ms=300),
            "-p",
            str(first_port),
            "-mp",
            str(first_media),
            "-rtp_echo",
        ),
        sipp(
            stack.workdir,
            "second-agent",
            agent_scenario(answer_after_ms=300),
            "-p",
            str(second_port),
            "-mp",
            str(second_media),
            "-rtp_echo",
        ),
    ]
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=15000)
        assert wait_for(lambda: media.echoed > 10, 30), stack.logs()
        second = desk_phone(world, "lille1", second_port)
        # when the first agent transfers the call to the second from the desktop
        contact = Contact.objects.get()
        services.contact_transfer(actor=first.user, contact=contact, agent_id=second.pk)
        transferred_at = time.time()
        assert finished(caller, stack, 60) == 0, stack.logs()
        for phone in phones:
            assert finished(phone, stack) == 0, stack.logs()

    # then the first agent's leg was hung up, the caller heard music, then the second agent
    call_ended(stack)
    assert any(at > transferred_at for at in media.music_times), stack.logs()
    assert any(at > transferred_at + 1 for at in media.echo_times), stack.logs()
    contact.refresh_from_db()
    assert contact.agent_id == second.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)
    answered = ContactEvent.objects.filter(contact=contact, kind=EventKind.CALL_ANSWERED)
    assert list(answered.order_by("id").values_list("agent_id", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_a_declined_call_goes_to_the_next_agent_who_holds_and_resumes(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a first agent whose phone is busy, and a second who will hold the caller a while
    busy_port, second_port, second_media = free_udp_port(), free_udp_port(), free_udp_port()
    busy = desk_phone(world, "lille0", busy_port)
    phones = [
        sipp(stack.workdir, "busy-agent", declining_scenario(), "-p", str(busy_port)),
        sipp(
            stack.workdir,
            "holding-agent",
            holding_agent_scenario(hold_after_ms=2000, hold_for_ms=2500),
            "-p",
            str(second_port),
            "-mp",
            str(second_media),
            "-rtp_echo",
        ),
    ]
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=14000)
        assert wait_for(
            lambda: ContactEvent.objects.filter(kind=EventKind.CALL_DECLINED).exists(), 30
        ), stack.logs()
        second = desk_phone(world, "lille1", second_port)
        assert finished(caller, stack, 60) == 0, stack.logs()
        for phone in phones:
            assert finished(phone, stack) == 0, stack.logs()

    contact = Contact.objects.get(pk=call_ended(stack).contact_id)
    events = list(
        ContactEvent.objects.filter(contact=contact, kind__startswith="call.")
        .order_by("id")
        .values_list("kind", "agent_id", "data")
    )
    assert events[0] == (EventKind.CALL_DECLINED, busy.pk, {"sip": 486}), events
    kinds = [kind for kind, _agent, _data in events]
    assert kinds[1:] == [
        EventKind.CALL_ANSWERED,
        EventKind.CALL_HOLD,
        EventKind.CALL_RESUME,
        EventKind.CALL_ENDED,
    ], events
    # the caller heard the music while on hold, and the agent again after
    assert media.music_after_echo > 10, stack.logs()
    assert media.echoed > 0
    assert contact.agent_id == second.pk
