"""The voice record's hand-written statements (voice/queries.py) read and write what their
ORM equivalents do, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from relais.apps.organisation.models import Agent
from relais.apps.voice import control, queries
from relais.apps.voice.models import AgentLine, Call, CallState, LineKind, Number
from tests.apps.routing.fixtures import Routing
from tests.apps.same import values
from tests.apps.voice.conftest import DIALLED


def test_the_number_and_the_call_at_arrival_are_the_orms(phone: Routing) -> None:
    # given a call recorded on the number, and an inactive number
    ticket = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    Number.objects.create(number="+33199000102", queue=phone.queue, active=False)
    for number in (DIALLED, "+33199000102", "+33199009999"):
        for call_id in ("c1@op", "c2@op"):
            # when the number and the call are read by hand in one statement, and by the ORM
            dialled, call = queries.number_and_call(number, call_id)
            orm = Number.objects.select_related("queue").filter(number=number, active=True)
            orm_call = Call.objects.filter(sip_call_id=call_id).first()
            # then they are the same rows, the number with its queue (no call without a number)
            assert values(dialled, "queue") == values(orm.first(), "queue")
            assert values(call) == (values(orm_call) if dialled is not None else None)
    assert queries.number_and_call(DIALLED, "c1@op")[1].contact_id == ticket.contact_id  # type: ignore[union-attr]


def test_the_agent_with_their_user_is_the_orms(phone: Routing) -> None:
    agent = phone.world.agents["lille0"]
    for agent_id in (agent.pk, agent.pk + 1000):
        by_hand = queries.agent_with_user(agent_id)
        orm = Agent.objects.select_related("user").filter(pk=agent_id).first()
        assert values(by_hand, "user") == values(orm, "user")


def test_the_calls_state_changes_as_the_orms_update_unless_ended(phone: Routing) -> None:
    # given a call queued and one ended
    first = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    ended = control.call_arrived(number=DIALLED, caller="+33612345679", call_id="c2@op")
    Call.objects.filter(pk=ended.contact_id).update(state=CallState.ENDED)
    now = timezone.now()

    # when both are answered by hand, and a call that does not exist
    changed = [
        queries.call_state_set(contact_id, CallState.ANSWERED, answered_at=now)
        for contact_id in (first.contact_id, ended.contact_id, ended.contact_id + 1000)
    ]

    # then only the call not ended changed, as the ORM's update would have
    assert changed == [1, 0, 0]
    answered, still = Call.objects.get(pk=first.contact_id), Call.objects.get(pk=ended.contact_id)
    assert (answered.state, answered.answered_at) == (CallState.ANSWERED, now)
    assert (still.state, still.answered_at) == (CallState.ENDED, None)
    assert queries.call_state_set(first.contact_id, CallState.RINGING) == 1
    assert Call.objects.get(pk=first.contact_id).state == CallState.RINGING


def _orm_merge(saved: dict[str, Any], dialog: dict[str, Any]) -> dict[str, Any]:
    merged = {**saved, **dialog}
    return {key: value for key, value in merged.items() if value is not None}


@pytest.mark.parametrize(
    "saves",
    [
        [{"caller": {"call_id": "c1@op", "cseq": 1, "route_set": ["<sip:a;lr>"]}}],
        [
            {"caller": {"call_id": "c1@op", "cseq": 1}, "agent": None, "rtpengine": {"to_tag": ""}},
            {"agent": {"agent_id": 3, "webrtc": True, "tag": 'x"y'}, "caller": {"cseq": 2}},
            {"agent": None},
            {"agent": None, "caller": None},
            {},
        ],
    ],
)
def test_the_dialog_merges_as_the_orms_by_top_key(
    phone: Routing, saves: list[dict[str, Any]]
) -> None:
    # given a call whose dialog is saved several times
    control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    expected: dict[str, Any] = {}
    for dialog in saves:
        # when each save is merged by hand in one statement
        assert queries.dialog_merge("c1@op", dialog) == 1
        # then the dialog is what merging it in Python by top key gives
        expected = _orm_merge(expected, dialog)
        assert Call.objects.get(sip_call_id="c1@op").dialog == expected
    assert queries.dialog_merge("nobody@op", {"agent": None}) == 0


def test_the_callers_of_calls_up_are_the_orms(phone: Routing) -> None:
    # given a call up, one ended, and a contact without a call
    up = control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op")
    ended = control.call_arrived(number=DIALLED, caller="+33612345679", call_id="c2@op")
    Call.objects.filter(pk=ended.contact_id).update(state=CallState.ENDED)
    for contact_ids in ([], [up.contact_id], [up.contact_id, ended.contact_id, 10_000]):
        # when the callers are read by hand and by the ORM
        by_hand = queries.callers_of_calls_up(contact_ids)
        orm = dict(
            Call.objects.filter(contact_id__in=contact_ids)
            .exclude(state=CallState.ENDED)
            .values_list("contact_id", "caller")
        )
        # then they are the same
        assert by_hand == orm
    assert queries.callers_of_calls_up([up.contact_id]) == {up.contact_id: "+33612345678"}


def test_the_agents_lines_are_the_orms(phone: Routing) -> None:
    lille0, lille1 = phone.world.agents["lille0"], phone.world.agents["lille1"]
    AgentLine.objects.create(
        agent=lille0, kind=LineKind.DESK_PHONE, static_contact="sip:desk@10.0.0.5"
    )
    for agent_ids in ([], [lille1.pk], [lille0.pk, lille1.pk, 10_000]):
        by_hand = sorted(queries.agent_lines(agent_ids), key=lambda line: line.pk)
        orm = AgentLine.objects.filter(agent_id__in=agent_ids).order_by("pk")
        assert [values(line) for line in by_hand] == [values(line) for line in orm]
    assert [line.agent_id for line in queries.agent_lines([lille0.pk])] == [lille0.pk]
