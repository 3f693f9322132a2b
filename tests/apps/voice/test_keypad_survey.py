"""The keypad survey after a call, through the control API the voice service calls: the agent
hangs up, the caller (still on the line) is asked the queue's questions a keypad can answer,
and the keys pressed become the survey's answer, attributed like any other."""

from __future__ import annotations

import pytest

from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, ContactState, EventKind
from relais.apps.satisfaction.errors import ErrorCode as SurveyCode
from relais.apps.satisfaction.models import Delivery, SurveyAnswer, SurveyInvitation
from relais.apps.voice import control
from relais.apps.voice.b2bua.keys import key_press
from relais.apps.voice.keypad import KeypadSurvey, key_of, keypad_value
from tests.apps.routing.fixtures import Routing
from tests.apps.satisfaction.making import policy
from tests.apps.voice.conftest import DIALLED, login


def answered_call(phone: Routing, call_id: str, *logging_in: str) -> int:
    """A call answered by the agent it is offered to (`logging_in` log in first)."""
    login(phone, *logging_in)
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id=call_id)
    phone.step()
    agent_id = phone.contact(ticket.contact_id).agent_id
    assert agent_id is not None
    control.call_answered(contact_id=ticket.contact_id, agent_id=agent_id)
    phone.step()
    return ticket.contact_id


def test_the_agent_hanging_up_asks_the_caller_the_keypad_questions(phone: Routing) -> None:
    policy(phone.queue, ask_effort=True, ask_nps=True, ask_comment=True)
    contact_id = answered_call(phone, "k1@op", "lille0")

    survey = control.call_agent_hung_up(contact_id=contact_id)

    assert isinstance(survey, KeypadSurvey)
    # NPS (0 to 10) and the comment cannot be typed on a keypad: not asked there
    assert survey.questions == ("agent_csat", "company_csat", "effort", "resolved")
    assert survey.language == "fr"
    invitation = SurveyInvitation.objects.get(pk=survey.invitation_id)
    assert (invitation.contact_id, invitation.delivery) == (contact_id, Delivery.KEYPAD)
    assert invitation.agent_id == phone.world.agents["lille0"].pk
    assert phone.contact(contact_id).state in (ContactState.WRAP_UP, ContactState.CLOSED)

    control.call_survey_answer(
        invitation_id=survey.invitation_id,
        answers={"agent_csat": 5, "company_csat": 4, "resolved": False},
    )

    answer = SurveyAnswer.objects.get(invitation_id=survey.invitation_id)
    assert (answer.agent_csat, answer.company_csat, answer.effort, answer.resolved) == (
        5,
        4,
        None,
        False,
    )
    event = ContactEvent.objects.get(contact_id=contact_id, kind=EventKind.SURVEY_ANSWERED)
    assert event.data["agent_csat"] == 5


def test_no_keypad_survey_without_a_policy_that_asks_it(phone: Routing) -> None:
    first = answered_call(phone, "k2@op", "lille0", "lille1")
    assert control.call_agent_hung_up(contact_id=first) is None  # no policy: hung up on
    assert not SurveyInvitation.objects.exists()

    policy(phone.queue, keypad_after_calls=False)
    phone.step()
    second = answered_call(phone, "k3@op")
    assert control.call_agent_hung_up(contact_id=second) is None
    assert not SurveyInvitation.objects.exists()  # left for the SMS link, if any


def test_a_keypad_answer_is_taken_once(phone: Routing) -> None:
    policy(phone.queue)
    survey = control.call_agent_hung_up(contact_id=answered_call(phone, "k4@op", "lille0"))
    assert survey is not None
    control.call_survey_answer(invitation_id=survey.invitation_id, answers={"agent_csat": 2})

    with pytest.raises(RelaisError) as refused:
        control.call_survey_answer(invitation_id=survey.invitation_id, answers={"agent_csat": 5})

    assert refused.value.code is SurveyCode.SURVEY_ALREADY_ANSWERED
    assert SurveyAnswer.objects.get(invitation_id=survey.invitation_id).agent_csat == 2


def test_keys_and_their_meaning() -> None:
    assert [key_of(n) for n in (0, 9, 10, 11, 12, 16, -1)] == ["0", "9", "*", "#", "A", None, None]
    assert keypad_value("agent_csat", "5") == 5
    assert keypad_value("agent_csat", "6") is None
    assert keypad_value("resolved", "1") is True
    assert keypad_value("resolved", "2") is False
    assert keypad_value("resolved", "3") is None
    assert keypad_value("nps", "9") is None


def test_rtpengine_key_events_are_read_and_garbage_ignored() -> None:
    event = (
        b'{"callid":"c1","source_tag":"ft","tags":["tt","ft"],"type":"DTMF",'
        b'"timestamp":1796641487,"source_ip":"127.0.0.1","event":11,"duration":120,"volume":10}'
    )
    assert key_press(event) == ("c1", "ft", "#")
    for garbage in (
        b"",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"callid": 3, "source_tag": "ft", "event": 1}',
        b'{"callid": "c1", "source_tag": "ft", "event": 40}',
        b'{"callid": "c1", "source_tag": "ft", "event": 1, "type": "other"}',
    ):
        assert key_press(garbage) is None
