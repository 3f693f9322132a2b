"""The whole voice stack with browser agents (issue 17, "Done when"; docs/voice.md, "Tests"):
the web server with the router (as `relais serve` runs them), `relais voice`, Kamailio and
rtpengine, SIPp as the operator and headless Chromium agents signed in to the desktop, their
softphones registered through Kamailio's WebSocket. PostgreSQL and Redis (make test-voice
PG_URL=…): the voice service is a process of its own and its desktop events reach the browsers
through the shared channel layer."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.accounts.models import User
from relais.apps.desktop.models import WrapUpReason
from relais.apps.interactions.models import (
    AgentPresence,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
)
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.voice.models import Call, CallState
from relais.apps.voice.stack.kamailio import SipAddress
from relais.apps.voice.stack.processes import VoiceStack
from tests.apps.conftest import World
from tests.e2e.conftest import AsgiServer
from tests.e2e.signin import sign_in
from tests.e2e.softphone_sip import CHROMIUM, CHROMIUM_FLAGS, MEDIA_FLAGS, call_stats, media_browser
from tests.voice.b2bua_support import (
    DIALLED,
    INVITE,
    SDP_OFFER,
    RtpEndpoint,
    Stack,
    ack,
    finished,
    free_udp_port,
    in_dialog,
    reply,
    scenario,
    send,
    sipp,
    wait_until_dispatched,
)

pytestmark = [pytest.mark.voice, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["media_browser"]  # a fixture

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CALL_ID = "full-stack-caller"
SPEAKING = 25  # packets: half a second of audio
WAIT_MS = 30_000  # what the browser waits for crosses the voice service, the database and Redis
BROWSER_TAG = "--relais-test-browser=killed-mid-call"  # Chromium ignores a switch it does not know


def until(check: Callable[[], Any], said: Callable[[], str], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, said()
        time.sleep(0.1)


@dataclass
class Caller:
    """The operator's call (SIPp) through Kamailio, its media (`RtpEndpoint`), and the hang-up
    the test asks for: an INFO the scenario waits for before it sends its BYE."""

    stack: Stack
    media: RtpEndpoint
    port: int
    process: Any = None

    def dial(self, edge: tuple[str, int]) -> Caller:
        xml = scenario(
            "full-stack-caller",
            '<Global variables="rtpport"/>',
            send(INVITE + "      " + SDP_OFFER.replace("\n", "\n      ")),
            '<recv response="100" optional="true"/>',
            '<recv response="180" optional="true"/>',
            '<recv response="200" rrs="true"/>',
            ack(),
            '<recv request="INFO" timeout="110000"/>',
            send(reply("200 OK"), retrans=False),
            send(in_dialog("BYE", 3)),
            '<recv response="200" crlf="true"/>',
        )
        self.process = sipp(
            self.stack.workdir,
            "caller",
            xml,
            "-s",
            DIALLED,
            "-p",
            str(self.port),
            "-cid_str",
            CALL_ID,
            "-set",
            "rtpport",
            str(self.media.port),
            target="{}:{}".format(*edge),
        )
        return self

    def hang_up(self) -> None:
        message = (
            f"INFO sip:0612345678@127.0.0.1:{self.port} SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-hang-up\r\n"
            "From: <sip:test@127.0.0.1>;tag=test\r\nTo: <sip:0612345678@127.0.0.1>\r\n"
            f"Call-ID: {CALL_ID}\r\nCSeq: 1 INFO\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(message.encode(), ("127.0.0.1", self.port))
        assert finished(self.process, self.stack, 60) == 0, self.stack.logs()

    def heard_from_agents(self, music: set[int]) -> int:
        """Packets from any source but the music the caller heard before (nor its own)."""
        return sum(
            count
            for ssrc, count in self.media.ssrcs.items()
            if ssrc not in music and ssrc != RtpEndpoint.SSRC
        )


@pytest.fixture
def web(
    transactional_db: None, settings: Any, voice_stack: VoiceStack, stack: Stack
) -> Iterator[str]:
    """The web server with the router beside it, on the Redis channel layer the voice service
    shares, pointing the softphones at this Kamailio."""
    redis = os.environ.get("REDIS_URL")
    if not redis:
        pytest.skip("needs Redis: run with PG_URL=… (make test-voice starts a private Redis)")
    settings.SIP_WS_URL = voice_stack.ws_url
    stack.env["REDIS_URL"] = redis
    stack.env["RELAIS_SIP_DOMAIN"] = settings.SIP_DOMAIN
    server = AsgiServer()
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def voice(
    stack: Stack, voice_stack: VoiceStack, voice_service_addresses: tuple[SipAddress, SipAddress]
) -> Iterator[Callable[[], Caller]]:
    """`relais voice` at the dispatcher set's first address, reaching agents through Kamailio;
    `voice()` then dials the number through Kamailio."""
    proxy = "{}:{}".format(*voice_stack.sip_address)
    stack.voice("voice", "--proxy", proxy, sip_port=voice_service_addresses[0].port)
    wait_until_dispatched(voice_stack.sip_address, DIALLED)
    with RtpEndpoint() as media:
        yield lambda: Caller(stack, media, free_udp_port()).dial(voice_stack.sip_address)


def desktop(browser: Any, base: str, agent: Agent) -> Any:
    """The agent signed in to the desktop in a browser of their own, the line registered."""
    user: User = agent.user
    user.language = "en"
    user.save()
    context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in(page, base, user)
    page.goto(f"{base}/desktop/")
    page.wait_for_selector("#desk[data-online='1']")
    expect(page.get_by_test_id("softphone-line")).to_have_attribute(
        "data-line", "registered", timeout=WAIT_MS
    )
    return page


def ringing(page: Any) -> Any:
    """The call rings in the desktop's card (the card)."""
    offer = page.get_by_test_id("offer")
    expect(offer.get_by_test_id("call-ringing")).to_have_text("Ringing…", timeout=WAIT_MS)
    return offer


def rings_and_is_answered(page: Any, *, keyboard: bool) -> None:
    """The call rings in the desktop's card and is answered there (SIP 200 from the page)."""
    offer = ringing(page)
    if keyboard:
        offer.focus()
        page.keyboard.press("Enter")  # the card's shortcut answers the call
    else:
        offer.get_by_test_id("accept").click()
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => [...window.relaisSoftphone.calls.values()].some((c) => c.state === 'established')"
    )


def in_call(page: Any) -> None:
    """The record's accept (the voice service's) opened the call's tab with its controls."""
    controls = page.get_by_test_id("call-controls")
    expect(controls.get_by_test_id("call-state")).to_have_text("In call", timeout=WAIT_MS)


def talking(page: Any, caller: Caller, music: set[int], stack: Stack) -> None:
    """Audio both ways: the browser receives and sends (getStats), the caller hears it."""
    start = caller.heard_from_agents(music)
    until(
        lambda: (
            (stats := call_stats(page))["received"] > SPEAKING
            and stats["sent"] > SPEAKING
            and caller.heard_from_agents(music) > start + SPEAKING
        ),
        lambda: f"browser {call_stats(page)}, caller {caller.media.ssrcs}\n{stack.logs()}",
    )


def available(page: Any) -> None:
    page.select_option("[data-testid=state]", "available")


def call_kinds(contact_id: int) -> list[str]:
    return list(
        ContactEvent.objects.filter(contact_id=contact_id, kind__startswith="call.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_a_call_queued_with_music_is_answered_in_the_browser_transferred_and_wrapped_up(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    web: str,
    voice: Callable[[], Caller],
    media_browser: Any,
) -> None:
    # given two agents at their desktops (the wrap-up is theirs to end), not yet available;
    # the reason they will choose (an earlier live-server test may have flushed the tables)
    Queue.objects.filter(pk=phone_queue.pk).update(wrap_up_seconds=600)
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    first_agent, second_agent = world.agents["lille0"], world.agents["lille1"]
    first, second = (desktop(media_browser, web, a) for a in (first_agent, second_agent))

    # when the operator calls: queued, the caller hears music
    caller = voice()
    until(lambda: caller.media.music > SPEAKING, stack.logs)
    music = set(caller.media.ssrcs)

    # then the first agent becomes available: the call rings in the desktop's card, is
    # answered by keyboard, and the audio goes both ways
    available(first)
    rings_and_is_answered(first, keyboard=True)
    talking(first, caller, music, stack)
    in_call(first)
    call = Call.objects.get()
    assert Contact.objects.get(pk=call.contact_id).agent_id == first_agent.pk

    # when the first agent transfers the call from the desktop to the second, available
    available(second)
    first.get_by_test_id("call-controls").get_by_test_id("call-transfer").click()
    colleague = first.locator(f"option[value='agent:{second_agent.pk}']")
    until(lambda: _colleague_listed(first, colleague), stack.logs)
    first.get_by_test_id("transfer-target").select_option(f"agent:{second_agent.pk}")
    first.locator("[data-testid=transfer]:visible").click()

    # then the second agent's card rings, they answer, the first agent's call ends
    rings_and_is_answered(second, keyboard=False)
    in_call(second)
    first.wait_for_function(
        "() => ![...window.relaisSoftphone.calls.values()].some((c) => c.state === 'established')"
    )
    talking(second, caller, music, stack)

    # when the caller hangs up: the call ends, the contact waits for the second agent's
    # wrap-up, which the desktop closes
    caller.hang_up()
    until(lambda: Call.objects.filter(pk=call.pk, state=CallState.ENDED).exists(), stack.logs)
    call.refresh_from_db()
    assert call.ended_by == "caller"
    contact = Contact.objects.get(pk=call.contact_id)
    assert (contact.state, contact.agent_id) == (ContactState.WRAP_UP, second_agent.pk)
    second.select_option("[data-testid=wrap-up-reason]", "resolved")
    second.get_by_test_id("wrap-up-form").locator("button[type=submit]").click()
    until(
        lambda: Contact.objects.filter(pk=contact.pk, state=ContactState.CLOSED).exists(),
        stack.logs,
    )
    kinds = call_kinds(contact.pk)
    assert kinds[0] == EventKind.CALL_RINGING, kinds
    assert kinds[-1] == EventKind.CALL_ENDED, kinds
    assert {EventKind.CALL_ANSWERED, EventKind.CALL_TRANSFER} <= set(kinds), kinds
    assert kinds.count(EventKind.CALL_ANSWERED) == 2, kinds


def kill_browser(tag: str) -> None:
    """SIGKILL the Chromium whose command line carries `tag` (its renderers die with it)."""
    killed = 0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            words = (entry / "cmdline").read_bytes().split(b"\0")
            if entry.name.isdigit() and tag.encode() in words:
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
    assert killed, f"no browser process with {tag}"


def _colleague_listed(page: Any, option: Any) -> bool:
    """The transfer list asks the desktop's panel again when focused (at most every 3 s)."""
    if option.count():
        return True
    page.get_by_test_id("transfer-target").blur()
    time.sleep(1)
    page.get_by_test_id("transfer-target").focus()
    return bool(option.count())


def test_an_agents_browser_killed_mid_call_requeues_the_caller_for_another_browser_agent(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    web: str,
    voice: Callable[[], Caller],
    media_browser: Any,
) -> None:
    # given a call answered in the first agent's browser (a Chromium of its own), audio both ways
    first_agent, second_agent = world.agents["lille0"], world.agents["lille1"]
    own = media_browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *MEDIA_FLAGS, BROWSER_TAG], headless=True
    )
    first, second = desktop(own, web, first_agent), desktop(media_browser, web, second_agent)
    available(first)
    caller = voice()
    until(lambda: caller.media.music > 0, stack.logs)
    music = set(caller.media.ssrcs)
    rings_and_is_answered(first, keyboard=True)
    talking(first, caller, music, stack)
    in_call(first)
    available(second)

    # when the first agent's browser dies (killed: no BYE, no audio, its sockets closed)
    kill_browser(BROWSER_TAG)
    heard = caller.media.ssrcs.total()

    # then the caller is put back in line, the second agent's card rings, and the caller
    # hears music while it rings (the first agent's audio is gone with its browser; rtpengine
    # may send the music with the SSRC the agent's audio had); they answer and talk
    ringing(second)
    until(
        lambda: caller.media.ssrcs.total() > heard + SPEAKING,
        lambda: f"{caller.media.ssrcs} {call_kinds(Call.objects.get().contact_id)}",
    )
    rings_and_is_answered(second, keyboard=True)
    talking(second, caller, music, stack)
    in_call(second)
    caller.hang_up()

    call = Call.objects.get()
    until(lambda: Call.objects.filter(pk=call.pk, state=CallState.ENDED).exists(), stack.logs)
    events = list(
        ContactEvent.objects.filter(contact_id=call.contact_id, kind__startswith="call.")
        .order_by("id")
        .values_list("kind", "agent_id")
    )
    assert (EventKind.CALL_AGENT_LOST, first_agent.pk) in events, events
    answered = [agent for kind, agent in events if kind == EventKind.CALL_ANSWERED]
    assert answered == [first_agent.pk, second_agent.pk], events
    contact = Contact.objects.get(pk=call.contact_id)
    assert contact.agent_id == second_agent.pk
    assert contact.state in (ContactState.WRAP_UP, ContactState.CLOSED)


def answered_in_a_browser(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    web: str,
    voice: Callable[[], Caller],
    media_browser: Any,
) -> tuple[Any, Any, Caller, set[int]]:
    """A call answered in lille0's browser, audio both ways, and lille1 at their desktop (a long
    wrap-up, so that the agents stay where the test puts them): the two pages, the caller, the
    music's SSRCs."""
    Queue.objects.filter(pk=phone_queue.pk).update(wrap_up_seconds=600)
    first, second = (desktop(media_browser, web, world.agents[a]) for a in ("lille0", "lille1"))
    caller = voice()
    until(lambda: caller.media.music > SPEAKING, stack.logs)
    music = set(caller.media.ssrcs)
    available(first)
    rings_and_is_answered(first, keyboard=False)
    talking(first, caller, music, stack)
    in_call(first)
    return first, second, caller, music


def consult_answered(colleague: Any, controls: Any) -> Any:
    """The colleague's consultation rings in its own box and they answer: the consulting
    agent's Complete transfer button, enabled."""
    box = colleague.get_by_test_id("incoming-consult")
    expect(box).to_be_visible(timeout=WAIT_MS)
    box.get_by_test_id("consult-answer").click()
    complete = controls.get_by_test_id("call-consult-complete")
    expect(complete).to_be_enabled(timeout=WAIT_MS)
    return complete


def handed_over(
    colleague: Any, colleague_id: int, caller: Caller, music: set[int], stack: Stack
) -> Contact:
    """After the transfer was completed: the call is the colleague's and they talk to the
    caller, who hangs up; the contact in wrap-up with the colleague."""
    in_call(colleague)
    talking(colleague, caller, music, stack)
    caller.hang_up()
    call = Call.objects.get()
    until(lambda: Call.objects.filter(pk=call.pk, state=CallState.ENDED).exists(), stack.logs)
    contact = Contact.objects.get(pk=call.contact_id)
    assert (contact.state, contact.agent_id) == (ContactState.WRAP_UP, colleague_id)
    return contact


def test_a_browser_agent_consults_a_browser_colleague_then_hands_the_call_over(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    web: str,
    voice: Callable[[], Caller],
    media_browser: Any,
) -> None:
    # given a call answered in the first agent's browser, audio both ways, and a colleague at
    # their desktop, available
    first, second, caller, music = answered_in_a_browser(
        world, phone_queue, stack, web, voice, media_browser
    )
    second_agent = world.agents["lille1"]
    available(second)

    # when the first agent chooses the colleague in the transfer list and presses Consult
    colleague = first.locator(f"option[value='agent:{second_agent.pk}']")
    first.get_by_test_id("transfer-target").focus()
    until(lambda: _colleague_listed(first, colleague), stack.logs)
    first.get_by_test_id("transfer-target").select_option(f"agent:{second_agent.pk}")
    controls = first.get_by_test_id("call-controls")
    controls.get_by_test_id("call-consult").click()

    # then the colleague's consultation rings in its own box; they answer; the first agent
    # may now complete the transfer
    complete = consult_answered(second, controls)
    expect(controls.get_by_test_id("call-state")).to_contain_text("Talking to")

    # when they complete it: the colleague's call opens in their workspace, the first
    # agent's call ends, and the caller talks to the colleague
    complete.click()
    first.wait_for_function(
        "() => ![...window.relaisSoftphone.calls.values()].some((c) => c.state === 'established')"
    )
    contact = handed_over(second, second_agent.pk, caller, music, stack)
    steps = [
        data["step"]
        for data in ContactEvent.objects.filter(
            contact_id=contact.pk, kind=EventKind.CALL_CONSULT
        ).values_list("data", flat=True)
    ]
    assert steps == ["started", "answered", "completed"], steps


def test_a_browser_agent_consults_a_queue_refused_while_nobody_is_free_then_hands_over(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    web: str,
    voice: Callable[[], Caller],
    media_browser: Any,
) -> None:
    # given a call answered in the first agent's browser, and a colleague of the queue at their
    # desktop, not yet available
    first, second, caller, music = answered_in_a_browser(
        world, phone_queue, stack, web, voice, media_browser
    )
    second_agent = world.agents["lille1"]
    controls = first.get_by_test_id("call-controls")
    target = first.get_by_test_id("transfer-target")

    # when the first agent consults the queue while nobody of it is free
    target.select_option("queue:phone")
    controls.get_by_test_id("call-consult").click()

    # then the desktop says why, and the call's controls are as before
    expect(first.get_by_test_id("desk-error")).to_have_text(
        "Nobody of the queue “Orders” is free to take your consultation now: try again in a "
        "moment, or transfer the call to the queue.",
        timeout=WAIT_MS,
    )
    expect(controls.get_by_test_id("call-state")).to_have_text("In call")
    expect(controls.get_by_test_id("call-consult")).to_be_visible()
    expect(controls.get_by_test_id("call-consult-complete")).to_be_hidden()

    # when the colleague is available and the agent consults the queue again
    available(second)
    until(
        lambda: AgentPresence.objects.filter(agent=second_agent, state="available").exists(),
        stack.logs,
    )
    target.select_option("queue:phone")
    controls.get_by_test_id("call-consult").click()

    # then the engine's pick, the colleague, is rung in their consultation box; they answer
    complete = consult_answered(second, controls)
    expect(controls.get_by_test_id("call-state")).to_contain_text("(Orders)")

    # when the agent completes it, the caller talks to the colleague
    complete.click()
    contact = handed_over(second, second_agent.pk, caller, music, stack)
    steps = [
        (data["step"], data.get("to_queue"), data["to_agent"])
        for data in ContactEvent.objects.filter(contact_id=contact.pk, kind=EventKind.CALL_CONSULT)
        .order_by("id")
        .values_list("data", flat=True)
    ]
    assert steps == [
        ("started", "phone", second_agent.pk),
        ("answered", "phone", second_agent.pk),
        ("completed", "phone", second_agent.pk),
    ], steps
