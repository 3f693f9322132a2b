"""The operator's re-INVITE (a session refresh, RFC 4028; a codec change) at every point of a
call, through the real stack (rtpengine, `relais voice`, SIPp): answered 200 with the same
media, and what the caller hears does not change. A refresh is routine (operators refresh
every 15 to 30 minutes), so it must never stop the queue's music, nor put the caller back with
an agent who is consulting a colleague in private (docs/voice.md, "Call control")."""

from __future__ import annotations

import time

import pytest

from relais.apps.interactions.models import Contact
from relais.apps.routing.models import Queue
from relais.apps.voice.consult import call_consult_back, call_consult_start
from relais.apps.voice.models import Call, CallState
from tests.apps.conftest import World
from tests.apps.presence import desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    answering_desk,
    desk_phone,
    finished,
    free_udp_port,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]

#: rtpengine's player sends 50 packets a second; a window counts at least this share of them.
HEARD = 0.6


def packets_between(times: list[float], start: float, end: float) -> int:
    return sum(1 for at in times if start <= at < end)


def test_a_refresh_while_queued_keeps_the_music(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a caller queued (nobody to answer), who hears the welcome then the music
    stack.voice()
    with RtpEndpoint() as media:
        # when the operator refreshes the session 1.5 s after the answer, then stays 4 s more
        caller = stack.dial(media, reinvite=True, reinvite_after_ms=1500, hang_up_after_ms=4000)
        assert wait_for(lambda: bool(media.music_times), 20), stack.logs()
        answered = media.music_times[0]
        assert finished(caller, stack, 30) == 0, stack.logs()  # the re-INVITE's 200 came

    # then the music goes on after the refresh as before it
    after = packets_between(media.music_times, answered + 2.5, answered + 5)
    assert after >= HEARD * 50 * 2.5, (after, stack.logs())
    assert wait_for(
        lambda: Call.objects.filter(state=CallState.ENDED, ended_by="caller").exists(), 10
    ), stack.logs()
    assert Contact.objects.count() == 1


def test_a_refresh_during_a_consultation_leaves_the_caller_with_the_music(
    world: World, phone_queue: Queue, stack: Stack
) -> None:
    # given a call answered by lille0's desk phone, which echoes the caller's audio, and
    # lille1's desk phone
    first_port, colleague_port = free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    first_phone = answering_desk(stack, "first", first_port, echo=True)
    colleague_phone = answering_desk(stack, "colleague", colleague_port, echo=False)
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        # the operator refreshes the session 12 s after the answer, and hangs up 12 s later
        caller = stack.dial(media, reinvite=True, reinvite_after_ms=12000, hang_up_after_ms=12000)
        assert wait_for(lambda: bool(media.music_times), 20), stack.logs()
        answered = media.music_times[0]
        assert wait_for(lambda: media.echoed > 10, 20), stack.logs()
        contact = Contact.objects.get()
        colleague = desk_phone(world, "lille1", colleague_port)
        # when lille0 consults lille1 (who answers) before the refresh, and goes back after it
        call_consult_start(agent=first, contact_id=contact.pk, to_agent=colleague.pk)
        assert time.time() < answered + 9, "the consultation began too late to test the refresh"
        back_at = answered + 16
        time.sleep(max(0.0, back_at - time.time()))
        call_consult_back(agent=first, contact_id=contact.pk)
        assert finished(colleague_phone, stack, 30) == 0, stack.logs()
        assert finished(caller, stack, 60) == 0, stack.logs()  # the re-INVITE's 200 came
        assert finished(first_phone, stack, 30) == 0, stack.logs()

    # then after the refresh the caller still heard the music, and not the agent (whose phone
    # would have echoed the caller's audio back)
    refreshed = answered + 12.5
    music = packets_between(media.music_times, refreshed, back_at)
    assert music >= HEARD * 50 * (back_at - refreshed), (music, stack.logs())
    assert packets_between(media.echo_times, refreshed, back_at) == 0, stack.logs()
    # and once back, the caller heard the agent again
    assert packets_between(media.echo_times, back_at, answered + 24) > 20, stack.logs()
