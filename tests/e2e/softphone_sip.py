"""The voice service's side of the softphone's tests (test_softphone_voice.py): the SIPp
scenarios it plays through Kamailio, the rtpengine flags it drives, and the caller's RTP; and
the browser with fake media and the call's getStats (also for tests/voice/test_full_stack.py)."""

from __future__ import annotations

import re
import shutil
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from relais.apps.voice.ng import NgClient
from relais.apps.voice.stack.processes import VoiceStack
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

DOMAIN = "relais.test"
SECRET = "kamailio-and-relais-share-this"


@dataclass
class Edge:
    stack: VoiceStack
    voice_port: int  # where SIPp, playing the voice service, sends from
    run_dir: Path

    @property
    def ng(self) -> NgClient:
        return NgClient(self.stack.ng_address)


CALL_ID = "softphone-e2e-1"  # SIPp's -cid_str with the call's number
FROM_TAG = "voice1"
PCMU, EVENTS = 0, 101


@dataclass
class RtpPeer:
    """The caller's side of the media: a UDP socket that sends PCMU every 20 ms to rtpengine
    and counts what comes back (audio and RFC 4733 events)."""

    sock: socket.socket = field(
        default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    )
    received: dict[int, int] = field(default_factory=dict)  # payload type -> packets
    target: tuple[str, int] | None = None
    running: bool = True

    def __post_init__(self) -> None:
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.02)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _run(self) -> None:
        sequence, stamp, ssrc = 0, 0, 0x52454C41
        while self.running:
            if self.target is not None:
                header = struct.pack("!BBHII", 0x80, PCMU, sequence & 0xFFFF, stamp, ssrc)
                self.sock.sendto(header + b"\xff" * 160, self.target)
                sequence, stamp = sequence + 1, stamp + 160
            try:
                while True:
                    data = self.sock.recv(2048)
                    if len(data) >= 12:
                        kind = data[1] & 0x7F
                        self.received[kind] = self.received.get(kind, 0) + 1
            except (TimeoutError, BlockingIOError):
                pass

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


def caller_sdp(port: int) -> str:
    return (
        "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP {PCMU} {EVENTS}\r\na=rtpmap:0 PCMU/8000\r\n"
        f"a=rtpmap:{EVENTS} telephone-event/8000\r\na=fmtp:{EVENTS} 0-16\r\na=sendrecv\r\n"
    )


TO_BROWSER = {
    "ICE": "force",
    "transport-protocol": "UDP/TLS/RTP/SAVPF",
    "rtcp-mux": ["offer"],
    "SDES": ["off"],
    "flags": ["generate-mid"],
    "replace": ["origin", "session-connection"],
}
TO_CALLER = {
    "ICE": "remove",
    "DTLS": "off",
    "transport-protocol": "RTP/AVP",
    "rtcp-mux": ["demux"],
    "replace": ["origin", "session-connection"],
}

SCENARIO = """<?xml version="1.0" encoding="UTF-8"?>
<scenario name="the voice service calls an agent's softphone">
  <send retrans="500"><![CDATA[
INVITE sip:agent-{agent}@{domain} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Relais voice" <sip:voice@[local_ip]:[local_port]>;tag={from_tag}
To: <sip:agent-{agent}@{domain}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:voice@[local_ip]:[local_port]>
Max-Forwards: 70
X-Relais-Contact: {contact}
Content-Type: application/sdp
Content-Length: [len]

{sdp}
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "Relais voice" <sip:voice@[local_ip]:[local_port]>;tag={from_tag}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:voice@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv request="INVITE">
    <action><ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="held"/></action>
  </recv>
  <Reference variables="held"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:voice@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

{hold_sdp}
]]></send>
  <recv request="ACK"/>
  <recv request="INVITE">
    <action><ereg regexp="a=sendrecv" search_in="body" check_it="true" assign_to="back"/></action>
  </recv>
  <Reference variables="back"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:voice@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

{resume_sdp}
]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
"""


DECLINED = (
    SCENARIO[: SCENARIO.index('  <recv response="200"')]
    + """  <recv response="603"/>
  <send><![CDATA[
ACK sip:agent-{agent}@{domain} SIP/2.0
[last_Via:]
From: "Relais voice" <sip:voice@[local_ip]:[local_port]>;tag={from_tag}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
</scenario>
"""
)


def reanswer(offer: str, direction: str, version: int) -> str:
    """rtpengine's SDP to the browser as the answer to the browser's re-INVITE: the same
    ICE and DTLS identity, DTLS passive (the browser took the active role), `direction`."""
    lines = [line for line in offer.strip().splitlines() if not re.fullmatch(
        r"a=(sendrecv|sendonly|recvonly|inactive)", line)]  # fmt: skip
    lines = [re.sub(r"^a=setup:\w+$", "a=setup:passive", line) for line in lines]
    lines = [re.sub(r"^(o=\S+ \S+ )(\d+)", rf"\g<1>{version}", line) for line in lines]
    return "\n".join([*lines, f"a={direction}"])


def sipp_call(
    edge: Edge, *, agent: int, contact: int, sdp: str, scenario: str = SCENARIO
) -> subprocess.Popen[bytes]:
    """SIPp, from the voice service's address, calling the agent once through Kamailio (the
    call scenario answers the browser's hold and resume re-INVITEs, checking their direction)."""
    path = edge.run_dir / "softphone_call.xml"
    path.write_text(
        scenario.format(
            agent=agent,
            domain=DOMAIN,
            from_tag=FROM_TAG,
            contact=contact,
            sdp=sdp.replace("\r\n", "\n").strip(),
            hold_sdp=reanswer(sdp, "recvonly", 1001),
            resume_sdp=reanswer(sdp, "sendrecv", 1002),
        )
    )
    host, port = edge.stack.sip_address
    sipp = shutil.which("sipp")
    assert sipp, "SIPp is missing (Debian: sip-tester)"
    return subprocess.Popen(
        [sipp, f"{host}:{port}", "-sf", str(path), "-i", "127.0.0.1",
         "-p", str(edge.voice_port), "-m", "1", "-cid_str", "softphone-e2e-%u",
         "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
         "-error_file", str(edge.run_dir / "sipp_errors.log")],
        cwd=edge.run_dir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip


MEDIA_FLAGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",  # a network namespace with loopback only
]


@pytest.fixture
def media_browser() -> Iterator[Any]:
    """Chromium with a fake microphone that needs no permission prompt."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS + MEDIA_FLAGS, headless=True
        )
        yield browser
        browser.close()


def call_stats(page: Any) -> dict[str, int]:
    return page.evaluate(
        """async () => {
          const [call] = [...window.relaisSoftphone.calls.values()];
          const report = await call.invitation.sessionDescriptionHandler.peerConnection.getStats();
          const found = {received: 0, sent: 0};
          report.forEach((entry) => {
            if (entry.kind !== "audio") return;
            if (entry.type === "inbound-rtp") found.received += entry.packetsReceived;
            if (entry.type === "outbound-rtp") found.sent += entry.packetsSent;
          });
          return found;
        }"""
    )
