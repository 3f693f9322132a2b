"""The B2BUA: sippy's transaction manager and the calls it carries, active or standby.

Runs on sippy's reactor (ED2) in the thread that created it (the main thread of
`relais voice`). A request that matches no dialog comes to `request`; a request inside a
dialog goes straight to that dialog's `UA` (sippy matches them by Call-ID and tags).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

from sippy.CCEvents import CCEventTry
from sippy.Core.EventDispatcher import ED2
from sippy.MsgBody import MsgBody
from sippy.SipAddress import SipAddress
from sippy.SipConf import SipConf
from sippy.SipContact import SipContact
from sippy.SipHeader import SipHeader
from sippy.SipTo import SipTo
from sippy.SipTransactionManager import SipTransactionManager
from sippy.SipURL import SipURL
from sippy.UA import UA

from relais.apps.voice.b2bua.call import Call
from relais.apps.voice.b2bua.caller_leg import CallerUA
from relais.apps.voice.b2bua.feed import FeedReader
from relais.apps.voice.b2bua.keys import KeyListener
from relais.apps.voice.b2bua.media import CallLane, CallMedia
from relais.apps.voice.b2bua.record import RecordWorker
from relais.apps.voice.b2bua.sdp import sdp_is_usable
from relais.apps.voice.ng import NgClient, NgError
from relais.apps.voice.offers import (
    Closed,
    Consult,
    ConsultEnded,
    Requeued,
    Ring,
    StopRinging,
    Transferred,
)

logger = logging.getLogger("relais.voice")

EARLY_RING_S = 30.0  # how long a ring for a call not yet known is kept
#: SIP extensions an INVITE may require of this service: none (no reliable provisional
#: responses, no session timers; docs/voice.md). Merely supported ones are ignored.
SUPPORTED_OPTIONS: frozenset[str] = frozenset()


def unsupported_options(req: Any) -> list[str]:
    """The option tags of the request's Require headers this service does not support."""
    tags = {
        tag.strip().lower()
        for hf in req.getHFs("require")
        for tag in str(hf.getBody()).split(",")
        if tag.strip()
    }
    return sorted(tags - SUPPORTED_OPTIONS)


class SipLog:
    """sippy's message logger, into Python's logging at DEBUG (every SIP message)."""

    def write(self, *args: Any, **kwargs: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", "".join(str(arg) for arg in args))


class AgentTry(CCEventTry):  # type: ignore[misc]
    """The INVITE to an agent, sent to `uri` (their AOR through the proxy, or a contact)."""

    uri: SipURL | None = None

    def onUacSetupComplete(self, uac: UA) -> None:
        if self.uri is not None:
            uac.rTarget = self.uri.getCopy()
            uac.rUri = SipTo(address=SipAddress(url=self.uri.getCopy(), hadbrace=True))


class B2bua:
    """Every call of this voice service; `active` False: a standby answering 503."""

    def __init__(
        self,
        *,
        address: tuple[str, int],
        ng: NgClient,
        control: ModuleType | Any,
        prompts: Callable[[str, str], str | None],
        feed: FeedReader | None,
        proxy: tuple[str, int] | None = None,
        sip_domain: str = "relais.invalid",
        answer_delay_s: float = 0.0,
        announce_s: float = 0.0,
        active: bool = True,
        dtmf: tuple[str, int] | None = None,
    ) -> None:
        self.host, self.port = address
        self.ng = ng
        self.control = control
        self.prompts = prompts
        self.proxy = proxy
        self.sip_domain = sip_domain
        self.answer_delay_s = answer_delay_s
        self.announce_s = announce_s
        self.active = active
        self.calls: dict[str, Call] = {}
        self.by_contact: dict[int, Call] = {}
        self.early_rings: dict[int, list[tuple[float, Ring]]] = {}
        self.feed = feed
        self.clock = time.monotonic
        self.worker = RecordWorker(deliver=ED2.callFromThread, feed=feed)
        self.worker.on_feed = self.on_feed
        self.media_threads = ThreadPoolExecutor(4, thread_name_prefix="relais-voice-media")
        # every call's rtpengine requests, in order for each call, off the reactor (media.py)
        self.ng_threads = ThreadPoolExecutor(8, thread_name_prefix="relais-voice-ng")
        self.global_config: dict[str, Any] = {}
        # rtpengine's keypad events, heard while active (keys.py)
        self.keys = (
            KeyListener(dtmf, lambda *press: ED2.callFromThread(self.key_pressed, *press))
            if dtmf is not None
            else None
        )

    # Running -------------------------------------------------------------------------------

    def start(self) -> None:
        """Binds the SIP port and starts the record's worker; `ED2.loop()` then runs it."""
        SipConf.my_address = self.host
        SipConf.my_port = self.port
        SipConf.my_uaname = "Relais voice"
        self.global_config.update(
            {"_sip_address": self.host, "_sip_port": self.port, "_sip_logger": SipLog()}
        )
        self.global_config["_sip_tm"] = SipTransactionManager(self.global_config, self.request)
        self.worker.start()

    def stop(self) -> None:
        if self.keys is not None:
            self.keys.stop()
        self.worker.stop()
        self.media_threads.shutdown(wait=False, cancel_futures=True)
        self.ng_threads.shutdown(wait=False, cancel_futures=True)
        self.global_config["_sip_tm"].shutdown()

    def music_for(self, language: str) -> str:
        return self.prompts("music", language) or ""

    def media_lane(self) -> CallLane:
        """A new call's way to rtpengine: its requests one after the other, off the reactor."""
        return CallLane(self.ng_threads)

    def on_reactor(self, function: Callable[..., None], *args: Any) -> None:
        """`function(*args)` on the reactor, from another thread."""
        ED2.callFromThread(function, *args)

    def media_ask(self, ask: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """`ask()` (an `ng` query) on a media thread; `done(answer)` then runs on the reactor,
        `done(None)` when rtpengine did not answer. The media watch of every talking call
        asks each second: on the reactor, those round trips would hold up the SIP."""

        def run() -> None:
            try:
                answer = ask()
            except NgError:
                answer = None
            ED2.callFromThread(done, answer)

        self.media_threads.submit(run)

    def contact(self, user: str = "relais") -> SipContact:
        url = SipURL(username=user, host=self.host, port=self.port)
        return SipContact(address=SipAddress(url=url, hadbrace=True))

    # Requests outside any dialog -------------------------------------------------------------

    def request(self, req: Any, sip_t: Any) -> Any:
        method = req.getMethod()
        if not self.active:
            if method == "ACK":
                return None
            return (req.genResponse(503, "Service Unavailable"), None, None)
        if method == "OPTIONS":
            return (req.genResponse(200, "OK"), None, None)
        if req.getHFBody("to").getTag() is not None:
            return (req.genResponse(481, "Call/Transaction Does Not Exist"), None, None)
        if method == "INVITE":
            return self._new_call(req, sip_t)
        if method in ("BYE", "CANCEL", "UPDATE", "INFO", "REFER", "PRACK"):
            return (req.genResponse(481, "Call/Transaction Does Not Exist"), None, None)
        return (req.genResponse(405, "Method Not Allowed"), None, None)

    def _new_call(self, req: Any, sip_t: Any) -> Any:
        unsupported = unsupported_options(req)
        if unsupported:  # RFC 3261, 8.2.2.3: refused, naming what is not supported
            response = req.genResponse(420, "Bad Extension")
            response.appendHeader(SipHeader(name="unsupported", bodys=", ".join(unsupported)))
            return (response, None, None)
        body = req.getBody()
        sdp = str(body) if body is not None else ""
        number = req.getRURI().username or ""
        if not sdp_is_usable(sdp) or not number:
            return (req.genResponse(400, "Bad Request"), None, None)
        call_id = str(req.getHFBody("call-id"))
        if call_id in self.calls:  # the same Call-ID again with a new branch: a loop
            return (req.genResponse(482, "Loop Detected"), None, None)
        from_hf = req.getHFBody("from")
        caller = from_hf.getUrl().username or ""
        ua = CallerUA(self.global_config)
        ua.lContact = self.contact(number)
        media = CallMedia(
            ng=self.ng,
            call_id=call_id,
            caller_tag=from_hf.getTag() or "",
            caller_sdp=sdp,
            lane=self.media_lane(),
        )
        call = Call(
            b2bua=self, caller_ua=ua, call_id=call_id, number=number, caller=caller, media=media
        )
        ua.event_cb = call.caller_event
        self.calls[call_id] = call
        return ua.recvRequest(req, sip_t)

    # Agents --------------------------------------------------------------------------------

    def agent_ua(self, event_cb: Callable[[Any, UA], None], uri: str) -> UA:
        """A UA for an agent's leg: AORs of our domain go through the proxy (Kamailio)."""
        url = SipURL(url=uri)
        if url.host == self.sip_domain and self.proxy is not None:
            next_hop = self.proxy
        else:
            next_hop = (url.host, url.port or 5060)
        ua = UA(self.global_config, event_cb=event_cb, nh_address=next_hop)
        ua.lContact = self.contact()
        return ua

    def invite(
        self, ua: UA, *, uri: str, caller: str, display: str, sdp: str, headers: tuple[Any, ...]
    ) -> None:
        url = SipURL(url=uri)
        event = AgentTry((None, caller or "anonymous", url.username, MsgBody(sdp), None, display))
        event.uri = url
        event.extra_headers = headers
        ua.recvEvent(event)

    @staticmethod
    def dialog_of(ua: UA) -> dict[str, Any]:
        """What a standby needs to go on with this leg's dialog (docs/voice.md, Call control)."""
        (host, port), _transport = ua.rAddr
        return {
            "call_id": str(ua.cId),
            "local_uri": str(ua.lUri),
            "remote_uri": str(ua.rUri),
            "remote_target": str(ua.rTarget),
            "route_set": [str(route) for route in ua.routes or ()],
            "cseq": ua.lCSeq,
            "remote_cseq": ua.rCSeq,
            "next_hop": [str(host), int(port)],
            "contact": str(ua.lContact),
            "origin": ua.origin,
        }

    # The offers feed ------------------------------------------------------------------------

    def on_feed(self, commands: list[Any]) -> None:
        if not self.active:
            return
        for command in commands:
            call = self.by_contact.get(command.contact_id)
            if call is None:
                if isinstance(command, Ring):  # offered before the record's answer came back
                    self._early_ring(command)
                continue
            if isinstance(command, Ring):
                call.ring(command)
            elif isinstance(command, StopRinging):
                call.stop_ringing(command.agent_id)
            elif isinstance(command, Transferred):
                if call.consultation is not None:  # completed: the colleague's leg stays
                    call.consultation.hand_over(command.to_agent)
                call.requeue()
                call.record_transfer(command)
            elif isinstance(command, Consult):
                call.consult(command)
            elif isinstance(command, ConsultEnded):
                call.consult_ended(command.agent_id, command.reason)
            elif isinstance(command, Requeued):
                call.requeue()
            elif isinstance(command, Closed):
                call.close()

    def key_pressed(self, call_id: str, source_tag: str, key: str) -> None:
        """A key pressed on one of this service's calls (rtpengine's event, on the reactor)."""
        call = self.calls.get(call_id)
        if call is not None and self.active:
            call.key_pressed(source_tag, key)

    def known(self, call: Call) -> None:
        """The record gave the call its contact: the feed's commands reach it from now on,
        and an offer the router made before (`_early_ring`) rings now."""
        if call.contact_id is not None:
            self.by_contact[call.contact_id] = call
            for _at, ring in self.early_rings.pop(call.contact_id, ()):
                call.ring(ring)

    def _early_ring(self, ring: Ring) -> None:
        """A `Ring` for a call whose contact the reactor does not know yet: the router offered
        it between the record's commit and its answer reaching the reactor (a race a burst of
        calls makes likely). Kept for `EARLY_RING_S`, for `known`."""
        now = self.clock()
        self.early_rings = {
            contact: rings
            for contact, rings in self.early_rings.items()
            if rings and now - rings[-1][0] < EARLY_RING_S
        }
        self.early_rings.setdefault(ring.contact_id, []).append((now, ring))

    # Active and standby ----------------------------------------------------------------------

    def take_over(self) -> None:
        """This process holds the lock: carry the calls still up, then take new ones."""
        self.worker.submit(self.control.calls_established, self._restore)

    def _restore(self, established: list[Any] | None, error: BaseException | None) -> None:
        from sippy.Time.Timeout import Timeout

        from relais.apps.voice.b2bua.restore import call_restore

        for record in established or ():
            if record.call_id in self.calls:
                continue
            try:
                call = call_restore(self, record)
            except Exception:
                logger.exception("voice: cannot restore call %s", record.call_id)
                call = None
            if call is None:
                self.worker.submit(
                    self.control.call_ended, None, contact_id=record.contact_id, by="system"
                )
                continue
            self.calls[call.call_id] = call
            self.known(call)
            if call.talking is not None:
                Timeout(call._watch, 1.0)
        if error is not None:
            logger.error("voice: cannot read the calls to restore: %s", error)
        self.active = True
        if self.keys is not None:
            self.keys.start()
        if self.feed is not None:
            self.feed.following = True
            self.worker.submit(self.feed.restart)
        logger.info("voice: active, %d calls carried on", len(self.calls))

    def stand_by(self) -> None:
        self.active = False
        if self.keys is not None:
            self.keys.stop()
        if self.feed is not None:
            self.feed.following = False

    def forget(self, call: Call) -> None:
        if self.calls.get(call.call_id) is call:
            del self.calls[call.call_id]
        if call.contact_id is not None and self.by_contact.get(call.contact_id) is call:
            del self.by_contact[call.contact_id]
