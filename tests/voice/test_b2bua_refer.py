"""A desk phone's transfer key: the agent's phone sends a REFER to `relais voice`, which
answers 202, hangs the phone up, plays the transfer prompt and music to the caller, and the
record transfers the contact as the desktop's transfer would: the colleague's phone rings and
takes the caller, audio both ways (docs/voice.md, "Transfers from a desk phone")."""

from __future__ import annotations

import pytest

from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.routing.models import Queue
from relais.apps.voice.models import Call, CallState
from tests.apps.conftest import World
from tests.apps.presence import desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    agent_scenario,
    desk_phone,
    finished,
    free_udp_port,
    referring_agent_scenario,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def test_the_transfer_key_of_a_desk_phone_hands_the_caller_to_a_colleague(
    world: World,
    phone_queue: Queue,
    stack: Stack,
) -> None:
    # given an agent whose desk phone transfers the call 2 s after answering, to a colleague
    # whose desk phone answers and echoes the audio
    first_port, second_port, second_media = free_udp_port(), free_udp_port(), free_udp_port()
    first = desk_phone(world, "lille0", first_port)
    second = world.agents["lille1"]
    referring = sipp(
        stack.workdir,
        "referring",
        referring_agent_scenario(
            answer_after_ms=300,
            refer_after_ms=2000,
            target=f"sip:agent-{second.pk}@relais.invalid",
        ),
        "-p",
        str(first_port),
    )
    taking = sipp(
        stack.workdir,
        "taking",
        agent_scenario(answer_after_ms=500),
        "-p",
        str(second_port),
        "-mp",
        str(second_media),
        "-rtp_echo",
    )
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=12000)
        assert wait_for(lambda: Call.objects.filter(state=CallState.ANSWERED).exists(), 30), (
            stack.logs()
        )
        desk_phone(world, "lille1", second_port)  # logged in once the first has answered
        # when the first agent presses the transfer key: 202, hung up; the colleague answers
        assert finished(referring, stack, 60) == 0, stack.logs()
        assert finished(taking, stack, 60) == 0, stack.logs()
        assert finished(caller, stack, 60) == 0, stack.logs()

    # then the caller was transferred as the desktop would, and heard the colleague
    call = Call.objects.get()
    transferred = ContactEvent.objects.get(
        contact_id=call.contact_id, kind=EventKind.CONTACT_TRANSFERRED
    )
    assert (transferred.agent_id, transferred.data["to_agent"]) == (first.pk, second.pk)
    detail = ContactEvent.objects.filter(contact_id=call.contact_id, kind=EventKind.CALL_TRANSFER)
    assert detail.exists(), stack.logs()
    assert media.echoed > 0, stack.logs()
    assert Contact.objects.get(pk=call.contact_id).agent_id == second.pk
