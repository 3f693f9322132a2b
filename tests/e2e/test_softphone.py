"""The softphone in the desktop without a telephony server (docs/desktop.md, "Softphone"):
the line says it is off, or keeps trying while Kamailio is unreachable; a voice offer rings
in its card, whose Answer waits for the call to reach the browser. The tests with Kamailio
are in test_softphone_voice.py."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Channel
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

OFF = {
    "fr": "Téléphone\u202f: désactivé (aucun serveur de téléphonie n’est configuré)",
    "en": "Phone: off (no telephony server is set)",
}
CONNECTING = {"fr": "Téléphone\u202f: connexion…", "en": "Phone: connecting…"}
CALL = {"fr": "Appel entrant de la file", "en": "Incoming call from the queue"}
WAITING = {
    "fr": "En attente de l’arrivée de l’appel sur votre téléphone…",
    "en": "Waiting for the call to reach your phone…",
}
ANSWER_DECLINE = {"fr": ("Répondre", "Refuser"), "en": ("Answer", "Decline")}


def _desktop(new_page: Any, base: str, world: World, language: str) -> Any:
    user = world.agents["lille0"].user
    user.language = language
    user.save()
    page = new_page(language)
    sign_in(page, base, user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    return page


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_without_a_websocket_url_the_line_is_off_and_a_voice_offer_cannot_be_answered(
    asgi_server: str, world: World, new_page: Any, settings: Any, language: str
) -> None:
    settings.SIP_WS_URL = ""
    queue = orders_queue(world, channel=Channel.VOICE)
    page = _desktop(new_page, asgi_server, world, language)

    line = page.get_by_test_id("softphone-line")
    expect(line).to_have_text(OFF[language])
    expect(line).to_have_attribute("data-line", "off")
    assert page.evaluate("window.relaisSoftphone.ua") is None  # SIP.js not even loaded
    assert_accessible(page)

    page.select_option("[data-testid=state]", "available")
    contact = interactions.contact_create(
        actor=None, queue=queue, customer_reference="+33612345678"
    )
    offer = page.get_by_test_id("offer")
    expect(offer).to_contain_text(CALL[language])
    answer, decline = ANSWER_DECLINE[language]
    expect(offer.get_by_test_id("accept")).to_have_text(answer)
    expect(offer.get_by_test_id("accept")).to_be_disabled()
    expect(offer.get_by_test_id("call-ringing")).to_have_text(WAITING[language])
    assert_accessible(page)

    # Enter would accept a chat: a voice offer is answered only over SIP, never by the page
    offer.focus()
    page.keyboard.press("Enter")
    expect(offer.get_by_test_id("reject")).to_have_text(decline)
    assert Contact.objects.get(pk=contact.pk).state == ContactState.OFFERED
    # no call reached the browser: Decline refuses the offer through the desktop
    offer.get_by_test_id("reject").click()
    expect(offer).to_have_count(0)
    assert Contact.objects.get(pk=contact.pk).agent_id is None


def test_an_unreachable_telephony_server_keeps_the_line_connecting(
    asgi_server: str, world: World, new_page: Any, settings: Any
) -> None:
    settings.SIP_WS_URL = f"ws://127.0.0.1:{_unused_port()}"
    page = _desktop(new_page, asgi_server, world, "fr")

    line = page.get_by_test_id("softphone-line")
    page.wait_for_function("() => window.relaisSoftphone.ua !== null")  # SIP.js loaded as modules
    expect(line).to_have_attribute("data-line", "connecting")
    expect(line).to_have_text(CONNECTING["fr"])
    page.wait_for_function("() => window.relaisSoftphone.retry > 1000")  # backing off, still trying
    expect(line).to_have_attribute("data-line", "connecting")
    assert_accessible(page)
