"""Switching a crisis mode on applies each of its pieces; switching it off restores them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from relais.apps.audit.models import AuditEntry
from relais.apps.briefings.models import Briefing, Delivery
from relais.apps.crisis.models import CrisisMode
from relais.apps.crisis.services import crisis_mode_switch_off, crisis_mode_switch_on
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.routing.models import Queue
from tests.apps.conftest import World, logged_in
from tests.apps.crisis.fixtures import CHAT_HOURS, CRISIS_HOURS, prepared_mode


def _queues() -> tuple[Queue, Queue]:
    return Queue.objects.get(code="commandes"), Queue.objects.get(code="commandes-tel")


def _widget_notice(language: str) -> str:
    config = Client().get(reverse("chat:config"), {"queue": "commandes", "lang": language})
    return str(config.json()["notice"])


def _help_featured() -> str:
    html = Client().get(reverse("help:index"), {"lang": "fr"}).content.decode()
    start = html.find('data-testid="help-featured"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_switching_on_applies_each_piece_and_off_restores_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # given a prepared mode, and nothing changed yet
    mode = prepared_mode(world)
    director = world.users["director"]
    assert _widget_notice("fr") == ""
    assert _help_featured() == ""
    events_before = ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED).count()
    # when the director switches it on
    with django_capture_on_commit_callbacks(execute=True):
        crisis_mode_switch_on(actor=director, mode=mode, reason="Rappel produit")
    # then the voice queue is closed, the chat queue has the crisis hours
    chat, voice = _queues()
    assert (voice.active, voice.opening_hours) == (False, "")
    assert (chat.active, chat.opening_hours) == (True, CRISIS_HOURS)
    # and the router is told about both queues
    told = ContactEvent.objects.filter(kind=EventKind.QUEUE_CONFIGURATION_CHANGED).order_by("pk")[
        events_before:
    ]
    assert {event.queue_id for event in told if "crisis" in event.data} == {chat.pk, voice.pk}
    # and the widget shows the message in the customer's language
    assert _widget_notice("fr") == "Rappel du grille-pain T-800 : consultez notre article."
    assert _widget_notice("en") == "T-800 toaster recall: read our article."
    # and the help centre lists the article first
    assert "Rappel du grille-pain T-800" in _help_featured()
    # and a blocking briefing went to the agents of both queues
    mode.refresh_from_db()
    briefing = Briefing.objects.get(pk=mode.briefing_id)
    assert briefing.blocking
    assert set(briefing.queues.values_list("code", flat=True)) == {"commandes", "commandes-tel"}
    assert Delivery.objects.filter(briefing=briefing).exists()
    assert mode.on

    # when the director switches it off
    with django_capture_on_commit_callbacks(execute=True):
        crisis_mode_switch_off(actor=director, mode=mode, reason="Fin du rappel")
    # then every value is back
    chat, voice = _queues()
    assert (voice.active, voice.opening_hours) == (True, "")
    assert (chat.active, chat.opening_hours) == (True, CHAT_HOURS)
    assert _widget_notice("fr") == ""
    assert _help_featured() == ""
    mode.refresh_from_db()
    assert (mode.on, mode.previous) == (False, {})
    # and both switches are audited with their reason and what changed
    entries = list(AuditEntry.objects.filter(action__startswith="crisis.mode_").order_by("pk"))
    assert [(e.action, e.reason) for e in entries] == [
        ("crisis.mode_on", "Rappel produit"),
        ("crisis.mode_off", "Fin du rappel"),
    ]
    assert entries[0].changes["queues"]["commandes"] == {
        "opening_hours": [CHAT_HOURS, CRISIS_HOURS]
    }
    assert entries[1].changes["queues"]["commandes-tel"] == {"active": [False, True]}


def test_switching_is_refused_without_a_reason(world: World) -> None:
    mode = prepared_mode(world)
    with pytest.raises(RelaisError) as refused:
        crisis_mode_switch_on(actor=world.users["director"], mode=mode, reason="  ")
    assert refused.value.code.value == "crisis_reason_required"
    mode.refresh_from_db()
    assert not mode.on
    assert Queue.objects.get(code="commandes-tel").active
    assert not AuditEntry.objects.filter(action__startswith="crisis.").exists()


def test_only_one_mode_is_on_at_a_time(world: World) -> None:
    mode = prepared_mode(world)
    other = CrisisMode.objects.create(
        name="Grève", widget_message_fr="Grève", widget_message_en="Strike", briefing_text="Grève"
    )
    director = world.users["director"]
    crisis_mode_switch_on(actor=director, mode=mode, reason="Rappel")
    with pytest.raises(RelaisError) as refused:
        crisis_mode_switch_on(actor=director, mode=other, reason="Grève")
    assert refused.value.code.value == "crisis_another_mode_on"
    other.refresh_from_db()
    assert not other.on


def test_the_screen_switches_with_a_reason_and_refuses_without(world: World) -> None:
    mode = prepared_mode(world)
    client = logged_in(world.users["administrator"])
    url = reverse("crisis:switch", args=[mode.pk])
    refused = client.post(url, {"state": "on", "reason": ""})
    assert refused.status_code == 400
    mode.refresh_from_db()
    assert not mode.on
    switched = client.post(url, {"state": "on", "reason": "Rappel produit"})
    assert switched.status_code == 302
    mode.refresh_from_db()
    assert mode.on
    page = client.get(reverse("crisis:index")).content.decode()
    assert reverse("briefings:detail", args=[mode.briefing_id]) in page
