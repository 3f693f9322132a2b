"""One call's media in rtpengine, over `ng` (docs/voice.md, "Call control").

rtpengine knows the call by the caller's Call-ID. The caller's side is the caller's From tag;
every other side gets a tag of its own: the queue (a placeholder peer while the caller waits,
hearing music) and each agent attempt (a fresh tag each time, so a new agent's DTLS and ports
start clean). The caller keeps the ports of the first answer throughout (port latching), so the
operator is never sent a re-INVITE when the agent changes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

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


def new_tag(kind: str) -> str:
    return f"{kind}-{secrets.token_hex(6)}"


@dataclass
class CallMedia:
    """The rtpengine side of one call; every method blocks for one or two ng round trips."""

    ng: NgClient
    call_id: str
    caller_tag: str
    caller_sdp: str
    peer_tag: str = ""  # the side the caller is bridged to now: the queue or an agent
    peer_sdp: str = ""
    agents: dict[str, bool] = field(default_factory=dict)  # agent tag -> webrtc
    music: bool = False
    music_file: str = ""

    def answer_caller(self) -> str:
        """Bridges the caller to the queue's placeholder; returns the SDP for the 200 OK."""
        offered = self.ng.offer(
            call_id=self.call_id, from_tag=self.caller_tag, sdp=self.caller_sdp, **_COMMON, **_PLAIN
        )
        self.peer_tag = new_tag("queue")
        self.peer_sdp = sdp_with_port(offered.sdp, DISCARD_PORT)
        answered = self.ng.answer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=self.peer_tag,
            sdp=self.peer_sdp,
            **_COMMON,
            **_PLAIN,
        )
        return answered.sdp

    def play(self, file: str, *, repeat: bool = True) -> int:
        """The caller hears `file` instead of their peer (music while queued or on hold, a
        prompt); returns its length in ms."""
        if repeat:  # what a new offer starts again (a prompt is not repeated)
            self.music_file = file
        duration = self.ng.play_media(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            file=file,
            repeat_times=10_000 if repeat else None,
        )
        self.music = True
        return duration

    def stop(self) -> None:
        if self.music:
            self.music = False
            try:
                self.ng.stop_media(call_id=self.call_id, from_tag=self.caller_tag)
            except NgError as error:
                if "not currently playing" not in error.reason.lower():
                    raise

    def offer_agent(self, *, webrtc: bool) -> tuple[str, str]:
        """A fresh tag and the SDP offer for an agent's INVITE (WebRTC for a browser)."""
        tag = new_tag("agent")
        options = _WEBRTC if webrtc else _COMMON
        # A browser's side gets a media session of its own (`to-tag`): on the ports of the
        # queue's placeholder rtpengine would answer the browser's DTLS handshake with its own.
        fresh = {"to_tag": tag} if webrtc else {}
        offered = self.ng.offer(
            call_id=self.call_id, from_tag=self.caller_tag, sdp=self.caller_sdp, **fresh, **options
        )
        self.agents[tag] = webrtc
        if self.music and self.music_file:  # a new offer ends the player: start it again
            self.play(self.music_file)
        return tag, offered.sdp

    def bridge_agent(self, tag: str, agent_sdp: str) -> None:
        """The agent answered: their media is bridged to the caller (music stopped first)."""
        self.stop()
        self.ng.answer(
            call_id=self.call_id,
            from_tag=self.caller_tag,
            to_tag=tag,
            sdp=agent_sdp,
            **_COMMON,
            **_PLAIN,
        )
        self.peer_tag, self.peer_sdp = tag, agent_sdp

    def reoffer_from_caller(self, sdp: str) -> str:
        """The operator re-INVITEd: the same bridge again; returns the SDP for its 200 OK."""
        self.caller_sdp = sdp
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

    def reoffer_from_agent(self, tag: str, sdp: str) -> str:
        """The agent re-INVITEd (hold, resume): returns the SDP for the agent's 200 OK."""
        webrtc = self.agents.get(tag, False)
        self.ng.offer(call_id=self.call_id, from_tag=tag, sdp=sdp, **_COMMON, **_PLAIN)
        answered = self.ng.answer(
            call_id=self.call_id,
            from_tag=tag,
            to_tag=self.caller_tag,
            sdp=self.caller_sdp,
            **(_WEBRTC if webrtc else _COMMON),
        )
        if tag == self.peer_tag:
            self.peer_sdp = sdp
        if sdp_direction(sdp) in ("sendonly", "inactive"):  # hold: answer in kind
            reply = "recvonly" if sdp_direction(sdp) == "sendonly" else "inactive"
            return answered.sdp.replace("a=sendrecv", f"a={reply}")
        return answered.sdp

    def packets_from_peers(self) -> int:
        """Packets rtpengine received from every side but the caller's so far (rtpengine
        counts a new agent's packets on the ports it kept for the caller's peer, whatever
        that peer's tag)."""
        legs = self.ng.query(call_id=self.call_id).legs
        return sum(leg.packets for tag, leg in legs.items() if tag != self.caller_tag)

    def delete(self) -> None:
        self.ng.delete(call_id=self.call_id)
