"""The record jobs of a whole call and the frames they push, step by step, counted exactly.

The voice service runs these jobs for every call (`b2bua/record.py`, `RecordWorker`): at 20
new calls a second their database work was a quarter of its CPU, so every query a job adds is
paid twenty times a second. The table holds, per step, the exact number of queries on SQLite
and on PostgreSQL (`connection.vendor`) and the exact frames pushed after commit, as
tests/apps/desktop/test_query_counts.py does for a chat. When a change is intended, run the
test on both databases and write the new figures in the table, saying why in the commit.

Both databases show each transaction's BEGIN and COMMIT; PostgreSQL adds the router's NOTIFY
after each request in the log, and the audit chain's lock before each audit entry. A dialog
save is one statement, outside any transaction. The router's steps (another process) are
counted to show the call is offered and freed, not as the voice service's work. Before the
record jobs were trimmed (December 2026) a call's jobs ran 49 queries on SQLite and 57 on
PostgreSQL (docs/voice.md, "Call control")."""

from __future__ import annotations

import pytest

from relais.apps.interactions.models import ContactState
from relais.apps.voice import control
from relais.apps.voice.models import Call, CallState
from tests.apps.capture import Expected, RecordingChannelLayer, Steps
from tests.apps.routing.fixtures import Routing
from tests.apps.voice.conftest import DIALLED, login

pytestmark = pytest.mark.django_db(transaction=True)  # savepoints as in production: none

DESK = "desk-{agent}"

#: A call as bench.voice_load runs it: queued, offered, rung, answered, the caller hangs up.
CALL: dict[str, Expected] = {
    "call_arrived": ({"sqlite": 6, "postgresql": 7}, []),  # the number and the call: one read
    "dialog_caller": ({"sqlite": 1, "postgresql": 1}, []),
    "router_offer": (
        {"sqlite": 16, "postgresql": 17},
        [(DESK, "offer.made"), (DESK, "presence.changed")],
    ),
    "call_ringing": ({"sqlite": 5, "postgresql": 6}, []),
    "call_answered": ({"sqlite": 15, "postgresql": 18}, [(DESK, "chat.opened")]),
    "dialog_agent": ({"sqlite": 1, "postgresql": 1}, []),
    "router_accepted": ({"sqlite": 3, "postgresql": 3}, []),
    # + the consultation's reservation looked for (a queue consulted: lifted at the call's end)
    "call_ended": ({"sqlite": 14, "postgresql": 17}, [(DESK, "contact.completed")]),
    "router_completed": ({"sqlite": 8, "postgresql": 9}, [(DESK, "presence.changed")]),
}


def test_a_calls_record_jobs_run_exact_queries_and_pushes(
    phone: Routing, recording_layer: RecordingChannelLayer
) -> None:
    # given an agent logged in at their desktop
    login(phone, "lille0")
    agent = phone.world.agents["lille0"]
    steps = Steps()
    caller_leg = {"call_id": "c1@op", "local_tag": "b2b", "remote_tag": "op", "cseq": 1}

    # when a call runs through the jobs the voice service gives its worker, in their order
    ticket = steps.run(
        "call_arrived",
        lambda: control.call_arrived(number=DIALLED, caller="+33612345678", call_id="c1@op"),
    )
    contact_id = ticket.contact_id
    steps.run(
        "dialog_caller",
        lambda: control.call_dialog_save(
            call_id="c1@op", dialog={"caller": caller_leg, "agent": None}
        ),
    )
    steps.run("router_offer", phone.router.step)
    steps.run(
        "call_ringing", lambda: control.call_ringing(contact_id=contact_id, agent_id=agent.pk)
    )
    contact = steps.run(
        "call_answered", lambda: control.call_answered(contact_id=contact_id, agent_id=agent.pk)
    )
    steps.run(
        "dialog_agent",
        lambda: control.call_dialog_save(
            call_id="c1@op", dialog={"caller": caller_leg, "agent": {"agent_id": agent.pk}}
        ),
    )
    steps.run("router_accepted", phone.router.step)
    ended = steps.run("call_ended", lambda: control.call_ended(contact_id=contact_id, by="caller"))
    steps.run("router_completed", phone.router.step)

    # then the call went through, each step ran exactly its queries and pushed its frames
    assert (contact.state, ended.state) == (ContactState.ACCEPTED, ContactState.CLOSED)
    call = Call.objects.get(pk=contact_id)
    assert (call.state, call.ended_by) == (CallState.ENDED, "caller")
    assert call.dialog == {"caller": caller_leg, "agent": {"agent_id": agent.pk}}
    steps.assert_as_expected(CALL, agent=agent.pk, contact=contact_id)
