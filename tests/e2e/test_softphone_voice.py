"""The softphone against a real Kamailio (vstack's config) and rtpengine, with SIPp playing the
voice service and headless Chromium with fake media devices playing the agent
(docs/desktop.md, "Softphone").

- The desktop registers the agent's line with its ephemeral credentials; a wrong secret and
  another agent's credentials are refused.
- SIPp, from the voice service's address, calls the agent's address of record through
  Kamailio with `X-Relais-Contact`: the call rings in that contact's offer card, Answer sends
  200 (and not the desktop's accept), the keypad sends RFC 4733 events, Hang up sends BYE.
- The media crosses rtpengine as the voice service will drive it (ng offer / answer, WebRTC
  DTLS-SRTP to the browser, plain RTP to the caller's side): packets both ways, counted by the
  browser's getStats and by the test's RTP socket.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.desktop import services as desk
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Channel
from relais.apps.voice.stack.credentials import ephemeral_credentials
from relais.apps.voice.stack.kamailio import SipAddress
from relais.apps.voice.stack.ports import free_port
from relais.apps.voice.stack.processes import VoiceStack, voice_stack_missing
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.e2e.softphone_sip import (
    CALL_ID,
    DECLINED,
    DOMAIN,
    EVENTS,
    FROM_TAG,
    PCMU,
    SECRET,
    TO_BROWSER,
    TO_CALLER,
    Edge,
    RtpPeer,
    call_stats,
    caller_sdp,
    media_browser,
    sipp_call,
)

pytestmark = pytest.mark.voice
__all__ = ["media_browser"]  # a fixture

READY = {"fr": "Téléphone\u202f: prêt", "en": "Phone: ready"}
REFUSED = {
    "fr": "Téléphone\u202f: refusé par le serveur de téléphonie",
    "en": "Phone: refused by the telephony server",
}


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[Edge]:
    missing = voice_stack_missing()
    if missing:
        pytest.fail(missing)
    voice_port = free_port()
    stack = VoiceStack.on_free_ports(
        tmp_path / "voice",
        sip_domain=DOMAIN,
        sip_secret=SECRET,
        trunks=(SipAddress("127.0.0.1", free_port()),),
        voice_services=(SipAddress("127.0.0.1", voice_port),),
    )
    stack.start()
    try:
        yield Edge(stack, voice_port, tmp_path)
    finally:
        stack.stop()


@pytest.fixture
def line(edge: Edge, settings: Any) -> Edge:
    """Relais points the softphone at this Kamailio, with the same secret and domain."""
    settings.SIP_WS_URL = edge.stack.ws_url
    settings.SIP_DOMAIN = DOMAIN
    settings.SIP_SECRET = SECRET
    return edge


def _desktop(browser: Any, base: str, world: World, language: str) -> Any:
    user = world.agents["lille0"].user
    user.language = language
    user.save()
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    return page


REGISTER_WITH = """async ([username, password]) => {
  const phone = window.relaisSoftphone;
  const config = phone.ua.configuration;
  const kept = [config.authorizationUsername, config.authorizationPassword];
  phone.useCredentials(username, password);
  const status = await new Promise((resolve) => phone.registerer.register({requestDelegate: {
    onAccept: (response) => resolve(response.message.statusCode),
    onReject: (response) => resolve(response.message.statusCode),
  }}));
  clearTimeout(phone.reconnectTimer); // the page's own retry: the test registers again itself
  phone.useCredentials(...kept);
  return status;
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_desktop_registers_its_line_and_kamailio_refuses_other_credentials(
    line: Edge, asgi_server: str, world: World, media_browser: Any, language: str
) -> None:
    page = _desktop(media_browser, asgi_server, world, language)
    status = page.get_by_test_id("softphone-line")
    expect(status).to_have_attribute("data-line", "registered")
    expect(status).to_have_text(READY[language])
    assert_accessible(page)

    # another agent's valid credentials do not register this agent's address (403)
    other = world.agents["lille1"].pk
    expiry = int(time.time()) + 600
    theirs = ephemeral_credentials(user=f"agent-{other}", secret=SECRET, expires_at=expiry)
    assert page.evaluate(REGISTER_WITH, list(theirs)) == 403
    # a password not signed with the shared secret is refused (401, challenged again)
    mine = world.agents["lille0"].pk
    forged = ephemeral_credentials(user=f"agent-{mine}", secret="not-it", expires_at=expiry)
    assert page.evaluate(REGISTER_WITH, list(forged)) == 401
    # expired credentials too
    stale = ephemeral_credentials(user=f"agent-{mine}", secret=SECRET, expires_at=expiry - 1200)
    assert page.evaluate(REGISTER_WITH, list(stale)) == 401
    # and the page's own credentials register it again
    page.evaluate("window.relaisSoftphone.register()")
    expect(status).to_have_attribute("data-line", "registered")


def test_the_line_reconnects_and_registers_again_when_kamailio_comes_back(
    line: Edge, asgi_server: str, world: World, media_browser: Any
) -> None:
    page = _desktop(media_browser, asgi_server, world, "en")
    status = page.get_by_test_id("softphone-line")
    expect(status).to_have_attribute("data-line", "registered")

    line.stack.stop()  # the WebSocket drops
    expect(status).to_have_attribute("data-line", "connecting")
    page.wait_for_function("() => window.relaisSoftphone.retry >= 4000")  # backing off
    line.stack.start()  # the same ports

    expect(status).to_have_attribute("data-line", "registered", timeout=40_000)
    expect(status).to_have_text(READY["en"])


def test_a_line_whose_credentials_kamailio_refuses_says_so(
    edge: Edge, asgi_server: str, world: World, media_browser: Any, settings: Any
) -> None:
    settings.SIP_WS_URL = edge.stack.ws_url
    settings.SIP_DOMAIN = DOMAIN
    settings.SIP_SECRET = "another-secret"  # not Kamailio's

    page = _desktop(media_browser, asgi_server, world, "fr")

    status = page.get_by_test_id("softphone-line")
    expect(status).to_have_attribute("data-line", "failed")
    expect(status).to_have_text(REFUSED["fr"])
    assert_accessible(page)


# -- a call: SIPp as the voice service, rtpengine between DTLS-SRTP and RTP -----------------------


def _until(check: Any, seconds: float = 15.0, said: Any = lambda: "never got there") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, said()
        time.sleep(0.2)


def _media_state(page: Any, caller: RtpPeer) -> str:
    states = page.evaluate(
        """() => {
          const [call] = [...window.relaisSoftphone.calls.values()];
          const pc = call.invitation.sessionDescriptionHandler.peerConnection;
          return [pc.iceConnectionState, pc.connectionState];
        }"""
    )
    return f"browser {call_stats(page)} {states}, caller received {caller.received}"


RINGING = {"fr": "Sonnerie…", "en": "Ringing…"}
IN_CALL = {"fr": "En communication", "en": "In call"}
ENDED = {"fr": "Appel terminé", "en": "Call ended"}
ON_HOLD = {
    "fr": "En attente\u202f: l’appelant entend de la musique",
    "en": "On hold: the caller hears music",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_call_rings_in_its_offer_is_answered_with_audio_both_ways_and_hung_up(
    line: Edge, asgi_server: str, world: World, media_browser: Any, language: str
) -> None:
    queue = orders_queue(world, channel=Channel.VOICE)
    agent = world.agents["lille0"]
    page = _desktop(media_browser, asgi_server, world, language)
    expect(page.get_by_test_id("softphone-line")).to_have_attribute("data-line", "registered")
    page.select_option("[data-testid=state]", "available")
    contact = interactions.contact_create(
        actor=None, queue=queue, customer_reference="+33612345678"
    )
    offer = page.get_by_test_id("offer")
    expect(offer).to_be_visible()

    # the voice service's side: rtpengine turns the caller's RTP offer into a WebRTC one
    caller = RtpPeer()
    ng = line.ng
    to_browser = ng.offer(
        call_id=CALL_ID, from_tag=FROM_TAG, sdp=caller_sdp(caller.port), **TO_BROWSER
    )
    sipp = sipp_call(line, agent=agent.pk, contact=contact.pk, sdp=to_browser.sdp)
    try:
        expect(offer.get_by_test_id("call-ringing")).to_have_text(RINGING[language])
        answer = offer.get_by_test_id("accept")
        expect(answer).to_be_enabled()
        assert_accessible(page)

        offer.focus()
        page.keyboard.press("Enter")  # the card's shortcut answers the SIP call
        page.wait_for_function(
            "() => [...window.relaisSoftphone.calls.values()]"
            ".some((c) => c.state === 'established')"
        )
        # the page answered over SIP only: the record's accept is the voice service's
        assert Contact.objects.get(pk=contact.pk).state == ContactState.OFFERED
        browser_sdp, to_tag = page.evaluate(
            """() => {
              const [call] = [...window.relaisSoftphone.calls.values()];
              const session = call.invitation;
              return [session.sessionDescriptionHandler.peerConnection.localDescription.sdp,
                      session.request.toTag];
            }"""
        )
        to_caller = ng.answer(
            call_id=CALL_ID, from_tag=FROM_TAG, to_tag=to_tag, sdp=browser_sdp, **TO_CALLER
        )
        media = re.search(r"^m=audio (\d+)", to_caller.sdp, re.M)
        assert media is not None, to_caller.sdp
        caller.target = ("127.0.0.1", int(media.group(1)))

        # what the voice service does on 200: the record's accept opens the call's tab
        desk.desk_accept(actor=agent.user, contact_id=contact.pk)
        controls = page.get_by_test_id("call-controls")
        expect(controls).to_be_visible()
        expect(controls.get_by_test_id("call-state")).to_have_text(IN_CALL[language])
        expect(controls.get_by_test_id("call-hangup")).to_be_enabled()
        expect(controls.get_by_test_id("call-timer")).to_have_text(re.compile(r"^00:0\d$"))

        # audio both ways: the browser hears the caller, the caller hears the browser
        _until(
            lambda: call_stats(page)["received"] > 50 and caller.received.get(PCMU, 0) > 50,
            seconds=30,
            said=lambda: _media_state(page, caller),
        )

        # the keypad sends RFC 4733 events to the caller's side
        controls.get_by_test_id("call-keypad").click()
        keys = controls.get_by_test_id("call-keypad-keys")
        expect(keys).to_be_visible()
        keys.locator("[data-key='5']").click()
        _until(lambda: caller.received.get(EVENTS, 0) > 0)

        # mute (the button says so) and unmute
        mute = controls.get_by_test_id("call-mute")
        mute.click()
        expect(mute).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Alt+Shift+KeyM")  # its shortcut, wherever the focus is
        expect(mute).to_have_attribute("aria-pressed", "false")
        # hold: a re-INVITE sendonly (the voice service plays music), then resume: sendrecv
        hold = controls.get_by_test_id("call-hold")
        hold.click()
        expect(hold).to_have_attribute("aria-pressed", "true")
        expect(controls.get_by_test_id("call-state")).to_have_text(ON_HOLD[language])
        assert_accessible(page)
        hold.click()
        expect(hold).to_have_attribute("aria-pressed", "false")
        expect(controls.get_by_test_id("call-state")).to_have_text(IN_CALL[language])

        # transfer: the tab's own transfer list (a queue or a colleague), focused
        controls.get_by_test_id("call-transfer").click()
        expect(page.get_by_test_id("transfer-target")).to_be_focused()

        # Hang up: BYE to the voice service, which answers 200 and ends its scenario
        controls.get_by_test_id("call-hangup").click()
        assert sipp.wait(timeout=20) == 0, (line.run_dir / "sipp_errors.log").read_text()
        expect(controls.get_by_test_id("call-state")).to_have_text(ENDED[language])
    finally:
        caller.close()
        if sipp.poll() is None:
            sipp.kill()
            sipp.wait()
        ng.delete(call_id=CALL_ID)


def test_a_ringing_call_declined_by_keyboard_gets_603_and_the_record_is_left_to_the_service(
    line: Edge, asgi_server: str, world: World, media_browser: Any
) -> None:
    queue = orders_queue(world, channel=Channel.VOICE)
    agent = world.agents["lille0"]
    page = _desktop(media_browser, asgi_server, world, "en")
    expect(page.get_by_test_id("softphone-line")).to_have_attribute("data-line", "registered")
    page.select_option("[data-testid=state]", "available")
    contact = interactions.contact_create(actor=None, queue=queue, customer_reference="+33699")
    offer = page.get_by_test_id("offer")
    expect(offer).to_be_visible()
    ng = line.ng
    to_browser = ng.offer(call_id=CALL_ID, from_tag=FROM_TAG, sdp=caller_sdp(40000), **TO_BROWSER)
    sipp = sipp_call(
        line, agent=agent.pk, contact=contact.pk, sdp=to_browser.sdp, scenario=DECLINED
    )
    try:
        expect(offer.get_by_test_id("call-ringing")).to_have_text(RINGING["en"])
        expect(offer.get_by_test_id("reject")).to_have_text("Decline")
        offer.focus()
        page.keyboard.press("Escape")  # the card's shortcut declines the SIP call

        assert sipp.wait(timeout=20) == 0, (line.run_dir / "sipp_errors.log").read_text()
        expect(offer.get_by_test_id("call-ringing")).to_have_text(ENDED["en"])
        # declined over SIP only: turning it into the offer's reject is the voice service's
        assert Contact.objects.get(pk=contact.pk).state == ContactState.OFFERED
    finally:
        if sipp.poll() is None:
            sipp.kill()
            sipp.wait()
        ng.delete(call_id=CALL_ID)
