"""The demo's telephone numbers (fictional: +33 1 99 00 xx xx) ring its voice queue, and
every demo agent answers in the browser; a second load changes nothing."""

from __future__ import annotations

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel, Queue
from relais.apps.voice import control
from relais.apps.voice.models import AgentLine, LineKind, Number
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.voice import NUMBERS, load_demo_voice

pytestmark = pytest.mark.django_db


def test_the_demo_numbers_and_lines_load_once_then_change_nothing(db: None) -> None:
    load_demo_company()
    load_demo_queues()

    assert set(load_demo_voice().values()) == {"created"}
    entries = AuditEntry.objects.count()
    assert set(load_demo_voice().values()) == {"unchanged"}
    assert AuditEntry.objects.count() == entries

    numbers = Number.objects.select_related("queue")
    assert {n.number for n in numbers} == {data.number for data in NUMBERS}
    assert all(n.number.startswith("+3319900") for n in numbers)  # ARCEP's fiction range
    assert {n.queue.channel for n in numbers} == {Channel.VOICE}
    assert {n.language for n in numbers} == {"fr", "en"}
    agents = Agent.objects.filter(active=True).count()
    assert AgentLine.objects.filter(kind=LineKind.BROWSER).count() == agents > 0


def test_a_demo_number_takes_a_call_into_its_queue(db: None) -> None:
    load_demo_company()
    load_demo_queues()
    load_demo_voice()
    Number.objects.filter(number="+33199000102").update(label="changed")
    assert load_demo_voice()["+33199000102"] == "updated"
    Queue.objects.filter(code="livraison").update(opening_hours="")  # whatever the hour now

    ticket = control.call_arrived(number="+33199000102", caller="+33612345678", call_id="d@op")

    assert (ticket.queue_code, ticket.language) == ("livraison", "en")
    assert Contact.objects.get(pk=ticket.contact_id).channel == Channel.VOICE
