"""The database work of one chat, step by step, within a budget of queries.

A chat's hot path runs some twenty times a second per site in production (bench.chat_load):
every query it adds costs each of those. These budgets are counts, not timings: a change
that adds a query to a step fails here and has to say why in the budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.apps.chat import services as chat
from relais.apps.chat.models import ChatSession, Sender
from relais.apps.chat.schemas import StartForm
from relais.apps.desktop import services as desk
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import ContactState
from tests.apps.chat.fixtures import ChatWorld
from tests.apps.presence import desk_open

pytestmark = pytest.mark.django_db(transaction=True)  # savepoints as in production: none

#: Queries per step of one chat, the larger of SQLite's count (which shows BEGIN and
#: COMMIT) and PostgreSQL's (which adds the audit chain's lock and the router's NOTIFY).
#: 96 in all on PostgreSQL; before the hot path was trimmed, the same chat took 151. A
#: message no longer looks for its client id before it is stored (the insert skips a
#: conflict on it instead).
BUDGET = {
    "chat_start": 8,
    "router_offer": 15,
    "desk_accept": 19,
    "desk_send": 8,
    "customer_message": 7,
    "customer_leave": 8,
    "desk_wrap_up": 23,
    "router_close": 8,
}


def _count(step: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        result = step()
    return len(queries.captured_queries), result


def test_one_chat_stays_within_its_query_budget(
    chat_world: ChatWorld, django_capture_on_commit_callbacks: Any
) -> None:
    agent = chat_world.agent("lille0")
    user = agent.user
    desk_open(agent)
    interactions.agent_login(actor=user, agent=agent)
    chat_world.router.step()
    counts: dict[str, int] = {}
    form = StartForm(topic="commande", name="Ana", message="Bonjour", client_id="c0")

    counts["chat_start"], (session, _) = _count(lambda: chat.chat_start(form=form))
    counts["router_offer"], _ = _count(chat_world.router.step)
    contact_id = session.contact_id
    counts["desk_accept"], contact = _count(
        lambda: desk.desk_accept(actor=user, contact_id=contact_id)
    )
    assert contact.state == ContactState.ACCEPTED
    chat_world.router.step()
    counts["desk_send"], _ = _count(
        lambda: desk.desk_send(actor=user, contact_id=contact_id, body="Oui ?", client_id="a0")
    )
    session = ChatSession.objects.get(pk=session.pk)
    counts["customer_message"], message = _count(
        lambda: chat.customer_message(session=session, body="Ma commande", client_id="c1")
    )
    assert message.sender == Sender.CUSTOMER
    counts["customer_leave"], _ = _count(lambda: chat.customer_leave(session=session))
    counts["desk_wrap_up"], _ = _count(
        lambda: desk.desk_wrap_up(actor=user, contact_id=contact_id, reason="resolved")
    )
    counts["router_close"], _ = _count(chat_world.router.step)

    over = {step: (n, BUDGET[step]) for step, n in counts.items() if n > BUDGET[step]}
    assert not over, f"over budget (queries, budget): {over}; all: {counts}"
