"""One call's media in rtpengine, over `ng` (docs/voice.md, "Call control").

rtpengine knows the call by the caller's Call-ID. The caller's side is the caller's From tag;
every other side gets a tag of its own: the queue (a placeholder peer while the caller waits,
hearing music) and each agent attempt (a fresh tag each time, so a new agent's DTLS and ports
start clean). The caller keeps the ports of the first answer throughout (port latching), so the
operator is never sent a re-INVITE when the agent changes.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from relais.apps.voice.b2bua.sdp import sdp_direction, sdp_with_port
from relais.apps.voice.ng import NgClient, NgError

# What every offer and answer asks of rtpengine: its own address in the SDP, RTP/RTCP
# demultiplexed towards plain SIP, DTMF (telephone-event) kept as it is.
_COMMON: dict[str, Any] = {
    "replace": ["origin", "session-connection"],
    "flags": ["port-latching", "strict-source"],
}
# A browser agent: ICE, DTLS-SRTP, RTCP multiplexed, media ids.
_WEBRTC: dict[str, Any] = {
    "ICE": "force",
    "DTLS": "passive",
    "transport-protocol": "UDP/TLS/RTP/SAVPF",
    "rtcp-mux": ["offer", "require"],
    "SDES": ["off"],
    "flags": ["port-latching", "strict-source", "generate-mid", "trickle-ICE"],
}
# Back towards the operator: plain RTP, no ICE.
_PLAIN: dict[str, Any] = {
    "ICE": "remove",
    "transport-protocol": "RTP/AVP",
    "rtcp-mux": ["demux"],
}
DISCARD_PORT = 9
logger = logging.getLogger("relais.voice")
T = TypeVar("T")
Played = Callable[[int | None], None]
Done = Callable[[T | None, NgError | None], None]


class CallLane(Executor):
    """One call's rtpengine requests, one after the other, on the threads of a pool shared by
    every call: a call never waits for another's requests (rtpengine's `play media` takes tens
    of milliseconds)."""

    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self.lock = threading.Lock()
        self.tail: Future[Any] | None = None

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as error:
                    future.set_exception(error)

        with self.lock:
            previous, self.tail = self.tail, future
        if previous is None:
            self.pool.submit(run)
        else:  # at once if the previous one is done already
            previous.add_done_callback(lambda _done: self.pool.submit(run))
        return future


def new_tag(kind: str) -> str:
    return f"{kind}-{secrets.token_hex(6)}"


@dataclass
class CallMedia:
    """The rtpengine side of one call.

    With a `lane` (its `CallLane`, `B2bua.media_lane`) every request of the call goes
    through it, in the order made. The `..._then` methods do not wait: their answer comes to
    `done` on the lane's thread, and the B2BUA goes on with the call on its reactor then.
    Music, prompts, stopping them and deleting the call are never waited for. The methods
    without `_then` (a re-INVITE's answer) wait for their turn and the answer. rtpengine's
    `play media` takes tens of milliseconds under load (it opens and decodes the file): on
    sippy's reactor those waits held every other call's SIP up. Without a lane (the ng
    tests) everything runs at once in the caller's thread.
    """

    ng: NgClient
    call_id: str
    caller_tag: str
    caller_sdp: str
    peer_tag: str = ""  # the side the caller is bridged to now: the queue or an agent
    peer_sdp: str = ""
    agents: dict[str, bool] = field(default_factory=dict)  # agent tag -> webrtc
    music: bool = False
    music_file: str = ""
    lane: Executor | None = None

    def _in_turn(self, request: Callable[[], T]) -> T:
        """`request()` after the call's earlier requests; its answer (or its `NgError`)."""
        if self.lane is None:
            return request()
        return self.lane.submit(request).result()

    def _later(self, request: Callable[[], Any]) -> None:
        """`request()` after the call's earlier requests, not waited for (errors: its own)."""
        if self.lane is None:
            request()
        else:
            self.lane.submit(request)

    def _then(self, request: Callable[[], T], done: Done[T]) -> None:
        """`request()` after the call's earlier requests; `done(answer, None)` or `done(None,
        error)` then, on the lane's thread (the reactor is not held up meanwhile)."""

        def run() -> None:
            try:
                answer, error = request(), None
            except NgError as refused:
                answer, error = None, refused
            done(answer, error)

        self._later(run)

    def answer_caller(self) -> str:
        """Bridges the caller to the queue's placeholder; returns the SDP for the 200 OK."""
        return self._in_turn(self._answer_caller)

    def answer_caller_then(self, done: Done[str]) -> None:
        """`answer_caller`, not waited for."""
        self._then(self._answer_caller, done)

    def _answer_caller(self) -> str:
        offered = self.ng.offer(
            call_id=self.call_id, from_tag=self.caller_tag, sdp=self.caller_sdp, **_COMMON, **_PLAIN
        )
        self.peer_tag = new_tag("queue")
        self.peer_sdp = sdp_with_port(offered.sdp, DISCARD_PORT)
        return self._answer_by_placeholder(self.peer_tag, self.peer_sdp)

    def _answer_by_placeholder(self, tag: str, sdp: str) -> str:
        """The caller's offer answered by a side that is nobody (`tag`, its SDP `sdp` on the
        discard port): the caller on its own, hearing what rtpengine plays; the caller's SDP."""
        answered = self.ng.answer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=tag,
            sdp=sdp,
            **_COMMON,
            **_PLAIN,
        )
        return answered.sdp

    def play(self, file: str, *, repeat: bool = True, played: Played | None = None) -> None:
        """The caller hears `file` instead of their peer (music while queued or on hold, a
        prompt); not waited for: `played(ms)` gets its length (None: rtpengine refused it),
        on the lane's thread."""
        if repeat:  # what a new offer starts again (a prompt is not repeated)
            self.music_file = file
        self.music = True

        def request() -> None:
            try:
                duration: int | None = self.ng.play_media(
                    call_id=self.call_id,
                    from_tag=self.caller_tag,
                    file=file,
                    repeat_times=10_000 if repeat else None,
                )
            except NgError as error:
                logger.warning("voice: no %s for %s: %s", file, self.call_id, error.reason)
                duration = None
            if played is not None:
                played(duration)

        self._later(request)

    def stop(self) -> None:
        """The music or prompt stops (not waited for)."""
        if self.music:
            self.music = False
            self._later(self._stop)

    def _stop(self) -> None:
        try:
            self.ng.stop_media(call_id=self.call_id, from_tag=self.caller_tag)
        except NgError as error:
            if "not currently playing" not in error.reason.lower():
                logger.warning("voice: stopping the music of %s: %s", self.call_id, error)

    def offer_agent(self, *, webrtc: bool) -> tuple[str, str]:
        """A fresh tag and the SDP offer for an agent's INVITE (WebRTC for a browser)."""
        tag, sdp = self._in_turn(lambda: self._offer_agent(webrtc))
        if self.music and self.music_file:  # a new offer ends the player: start it again
            self.play(self.music_file)
        return tag, sdp

    def offer_agent_then(self, *, webrtc: bool, done: Done[tuple[str, str]]) -> None:
        """`offer_agent`, not waited for (the music starts again after the offer)."""
        self._then(lambda: self._offer_agent(webrtc), done)
        if self.music and self.music_file:
            self.play(self.music_file)

    def _offer_agent(self, webrtc: bool) -> tuple[str, str]:
        tag = new_tag("agent")
        options = _WEBRTC if webrtc else _COMMON
        # A browser's side gets a media session of its own (`to-tag`): on the ports of the
        # queue's placeholder rtpengine would answer the browser's DTLS handshake with its own.
        fresh = {"to_tag": tag} if webrtc else {}
        offered = self.ng.offer(
            call_id=self.call_id, from_tag=self.caller_tag, sdp=self.caller_sdp, **fresh, **options
        )
        self.agents[tag] = webrtc
        return tag, offered.sdp

    def bridge_agent(self, tag: str, agent_sdp: str) -> None:
        """The agent answered: their media is bridged to the caller (music stopped first)."""
        self.stop()
        self._in_turn(lambda: self._bridge_agent(tag, agent_sdp))

    def bridge_agent_then(self, tag: str, agent_sdp: str, done: Done[None]) -> None:
        """`bridge_agent`, not waited for."""
        self.stop()
        self._then(lambda: self._bridge_agent(tag, agent_sdp), done)

    def _bridge_agent(self, tag: str, agent_sdp: str) -> None:
        self.ng.answer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=tag,
            sdp=agent_sdp,
            **_COMMON,
            **_PLAIN,
        )
        self.peer_tag, self.peer_sdp = tag, agent_sdp

    def rejoin_then(self, tag: str, agent_sdp: str, done: Done[None]) -> None:
        """The caller bridged again to an agent side that exists already (`tag`, whose SDP is
        `agent_sdp`): back from a consultation to the agent, or on to the colleague. A new
        offer from the caller's tag names that side (`to-tag`), then the answer; nobody's
        ports change, so neither phone is re-INVITEd. Music stopped first."""
        self.stop()
        self._then(lambda: self._rejoin(tag, agent_sdp), done)

    def _rejoin(self, tag: str, agent_sdp: str) -> None:
        options = _WEBRTC if self.agents.get(tag, False) else _COMMON
        self.ng.offer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=tag,
            sdp=self.caller_sdp,
            **options,
        )
        self._bridge_agent(tag, agent_sdp)

    def consult_then(
        self, agent_tag: str, agent_sdp: str, *, webrtc: bool, done: Done[tuple[str, str]]
    ) -> None:
        """A consultation: the agent's side (`agent_tag`, its SDP `agent_sdp`) paired with a
        fresh colleague's tag instead of the caller (an offer from the agent's tag); `done`
        gets the tag and the SDP for the colleague's INVITE. The agent's ports do not change;
        the caller's side is left to the music."""
        self._then(lambda: self._consult(agent_tag, agent_sdp, webrtc), done)

    def _consult(self, agent_tag: str, agent_sdp: str, webrtc: bool) -> tuple[str, str]:
        tag = new_tag("colleague")
        options = _WEBRTC if webrtc else {**_COMMON, **_PLAIN}
        offered = self.ng.offer(
            call_id=self.call_id, from_tag=agent_tag, to_tag=tag, sdp=agent_sdp, **options
        )
        self.agents[tag] = webrtc
        return tag, offered.sdp

    def consult_answered_then(
        self, agent_tag: str, tag: str, colleague_sdp: str, done: Done[None]
    ) -> None:
        """The colleague answered: their side bridged to the agent's."""
        options = _WEBRTC if self.agents.get(agent_tag, False) else _COMMON

        def request() -> None:
            self.ng.answer(
                call_id=self.call_id,
                from_tag=agent_tag,
                to_tag=tag,
                sdp=colleague_sdp,
                **options,
            )

        self._then(request, done)

    def reoffer_from_caller(self, sdp: str, *, alone: bool = False) -> str:
        """The operator re-INVITEd: the same bridge again; returns the SDP for its 200 OK.
        `alone`: the caller's side is on its own now (its agent consults a colleague), so it
        is answered by a placeholder of its own, as while queued: answered by the agent's
        side, the caller would hear the consultation. The bridge to the agent (`peer_tag`)
        stays the one to go back to (`rejoin_then`)."""
        return self._in_turn(lambda: self._reoffer_from_caller(sdp, alone))

    def _reoffer_from_caller(self, sdp: str, alone: bool) -> str:
        self.caller_sdp = sdp
        if alone:
            tag = new_tag("hold")
            offered = self.ng.offer(
                call_id=self.call_id,
                from_tag=self.caller_tag,
                to_tag=tag,
                sdp=sdp,
                **_COMMON,
                **_PLAIN,
            )
            return self._answer_by_placeholder(tag, sdp_with_port(offered.sdp, DISCARD_PORT))
        self.ng.offer(call_id=self.call_id, from_tag=self.caller_tag, sdp=sdp, **_COMMON, **_PLAIN)
        options = _PLAIN if not self.agents.get(self.peer_tag) else {}
        answered = self.ng.answer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=self.peer_tag,
            sdp=self.peer_sdp,
            **_COMMON,
            **options,
        )
        return answered.sdp

    def reoffer_from_agent(self, tag: str, sdp: str, peer: tuple[str, str] | None = None) -> str:
        """The agent re-INVITEd (hold, resume): returns the SDP for the agent's 200 OK. `peer`:
        the side the agent talks to when not the caller (a colleague's tag and SDP)."""
        return self._in_turn(lambda: self._reoffer_from_agent(tag, sdp, peer))

    def _reoffer_from_agent(self, tag: str, sdp: str, peer: tuple[str, str] | None) -> str:
        webrtc = self.agents.get(tag, False)
        to_tag, to_sdp = peer or (self.caller_tag, self.caller_sdp)
        self.ng.offer(
            call_id=self.call_id, from_tag=tag, to_tag=to_tag, sdp=sdp, **_COMMON, **_PLAIN
        )
        answered = self.ng.answer(
            call_id=self.call_id,
            from_tag=tag,
            to_tag=to_tag,
            sdp=to_sdp,
            **(_WEBRTC if webrtc else _COMMON),
        )
        if tag == self.peer_tag:
            self.peer_sdp = sdp
        if sdp_direction(sdp) in ("sendonly", "inactive"):  # hold: answer in kind
            reply = "recvonly" if sdp_direction(sdp) == "sendonly" else "inactive"
            return answered.sdp.replace("a=sendrecv", f"a={reply}")
        return answered.sdp

    def packets_from_peers(self, *, besides: str = "") -> int:
        """Packets rtpengine received from every side but the caller's (and `besides`: a
        consulted colleague's) so far (rtpengine counts a new agent's packets on the ports
        it kept for the caller's peer, whatever that peer's tag)."""
        legs = self.ng.query(call_id=self.call_id).legs
        skip = {self.caller_tag, besides}
        return sum(leg.packets for tag, leg in legs.items() if tag not in skip)

    def delete(self) -> None:
        """The call leaves rtpengine (not waited for; never offered or gone already: nothing)."""

        def request() -> None:
            with contextlib.suppress(NgError):
                self.ng.delete(call_id=self.call_id)

        self._later(request)
