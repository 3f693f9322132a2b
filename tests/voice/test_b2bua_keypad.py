"""Keys pressed on a call, through a real rtpengine (its DTMF events) to `relais voice`: keys
during the conversation become `call.dtmf` detail (how many, never which), and once the agent
hangs up the caller answers the queue's survey on the keypad (docs/voice.md, "Keypad")."""

from __future__ import annotations

import time

import pytest

from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.routing.models import Queue
from relais.apps.satisfaction.models import Delivery, SurveyAnswer, SurveyPolicy
from relais.apps.voice.models import Call, CallState
from tests.apps.conftest import World
from tests.apps.presence import desks_kept_alive
from tests.voice.b2bua_support import (
    RtpEndpoint,
    Stack,
    desk_phone,
    finished,
    free_udp_port,
    hanging_up_agent_scenario,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def test_keys_become_call_detail_and_the_caller_answers_the_survey_on_the_keypad(
    world: World,
    phone_queue: Queue,
    stack: Stack,
) -> None:
    # given a queue whose survey asks the agent's and the answer's satisfaction, NPS (not on
    # a keypad) and resolution, and an agent whose desk phone hangs up 5 s after answering
    SurveyPolicy.objects.create(queue=phone_queue, ask_nps=True)
    agent_port, agent_media = free_udp_port(), free_udp_port()
    agent = desk_phone(world, "lille0", agent_port)
    phone = sipp(
        stack.workdir,
        "agent",
        hanging_up_agent_scenario(answer_after_ms=500, hang_up_after_ms=5000),
        "-p",
        str(agent_port),
        "-mp",
        str(agent_media),
        "-rtp_echo",
    )
    stack.start("router", "router", "--poll", "0.05")
    stack.voice()

    with desks_kept_alive(), RtpEndpoint() as media:
        caller = stack.dial(media, hang_up_after_ms=0, hung_up_on=True)
        # when the caller types two keys while talking to the agent
        assert wait_for(lambda: Call.objects.filter(state=CallState.ANSWERED).exists(), 30), (
            stack.logs()
        )
        time.sleep(1.0)
        media.press("12")
        # and, once the agent has hung up, answers: 5 (the agent), 9 (out of scale: the
        # question again), 4 (the answer), 2 (not resolved)
        assert wait_for(lambda: Call.objects.filter(state=CallState.ENDED).exists(), 30), (
            stack.logs()
        )
        for key in "5942":
            time.sleep(1.0)
            media.press(key)
        # then the voice service thanks the caller and hangs up
        assert finished(caller, stack, 60) == 0, stack.logs()
        assert finished(phone, stack) == 0, stack.logs()

    call = Call.objects.get()
    assert call.ended_by == "agent"
    detail = ContactEvent.objects.filter(contact_id=call.contact_id, kind=EventKind.CALL_DTMF)
    pressed = [(event.data, event.agent_id) for event in detail]
    # the caller's two keys (the echoing desk phone sends them back: the agent's side, too)
    assert ({"by": "customer", "count": 2}, agent.pk) in pressed, stack.logs()
    assert all(data["count"] == 2 for data, _agent in pressed)
    answer = wait_for(
        lambda: SurveyAnswer.objects.filter(invitation__contact_id=call.contact_id).first(), 10
    )
    assert answer is not None, stack.logs()
    assert answer.invitation.delivery == Delivery.KEYPAD
    assert answer.invitation.agent_id == agent.pk
    assert (answer.agent_csat, answer.company_csat, answer.nps, answer.resolved) == (
        5,
        4,
        None,
        False,
    )
