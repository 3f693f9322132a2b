"""A browser-like agent over SIP-over-WebSocket (RFC 7118): it registers with ephemeral
credentials, the voice service rings its address of record, and the in-dialog ACK and BYE reach
it back over the same WebSocket (Kamailio's contact alias), as SIP.js in the desktop will."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, field

from websockets.sync.client import ClientConnection, connect

from tests.voice.conftest import SIP_DOMAIN


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5


def _header(message: str, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.*?)\r$", message, re.M | re.I)
    return match.group(1) if match else ""


@dataclass
class WebSocketAgent:
    """Just enough of a SIP user agent over WebSocket for the edge's part of a call."""

    ws: ClientConnection
    user: str
    received: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.contact = f"sip:{secrets.token_hex(4)}@{secrets.token_hex(4)}.invalid;transport=ws"

    def register(self, username: str, password: str) -> str:
        """REGISTER, answer the digest challenge; the final status line."""
        call_id, tag = secrets.token_hex(8), secrets.token_hex(4)
        uri = f"sip:{SIP_DOMAIN}"
        self.ws.send(self._register(uri, call_id, tag, 1, ""))
        challenge = self.ws.recv(timeout=5)
        assert isinstance(challenge, str)
        assert challenge.startswith("SIP/2.0 401"), challenge
        nonce = re.search(r'nonce="([^"]+)"', challenge)
        realm = re.search(r'realm="([^"]+)"', challenge)
        assert nonce
        assert realm
        response = _md5(
            f"{_md5(f'{username}:{realm[1]}:{password}')}:{nonce[1]}:{_md5(f'REGISTER:{uri}')}"
        )
        authorization = (
            f'Authorization: Digest username="{username}", realm="{realm[1]}", '
            f'nonce="{nonce[1]}", uri="{uri}", response="{response}", algorithm=MD5\r\n'
        )
        self.ws.send(self._register(uri, call_id, tag, 2, authorization))
        final = self.ws.recv(timeout=5)
        assert isinstance(final, str)
        return final.split("\r\n", 1)[0]

    def _register(self, uri: str, call_id: str, tag: str, cseq: int, extra: str) -> str:
        return (
            f"REGISTER {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/WSS {secrets.token_hex(4)}.invalid"
            f";branch=z9hG4bK{secrets.token_hex(6)}\r\n"
            "Max-Forwards: 70\r\n"
            f"To: <sip:{self.user}@{SIP_DOMAIN}>\r\n"
            f"From: <sip:{self.user}@{SIP_DOMAIN}>;tag={tag}\r\n"
            f"Call-ID: {call_id}\r\n"
            f"CSeq: {cseq} REGISTER\r\n"
            f"Contact: <{self.contact}>;expires=300\r\n"
            f"{extra}"
            "Content-Length: 0\r\n\r\n"
        )

    def answer_calls(self) -> threading.Thread:
        """In a thread: answer an INVITE with 200 (and SDP), take the ACK, answer the BYE."""

        def run() -> None:
            while True:
                try:
                    message = self.ws.recv(timeout=15)
                except TimeoutError:
                    return
                assert isinstance(message, str)
                self.received.append(message)
                method = message.split(" ", 1)[0]
                if method == "INVITE":
                    self.ws.send(self._reply(message, "180 Ringing", ""))
                    sdp = (
                        "v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                        "t=0 0\r\nm=audio 9 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"
                    )
                    self.ws.send(self._reply(message, "200 OK", sdp))
                elif method == "BYE":
                    self.ws.send(self._reply(message, "200 OK", ""))
                    return

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def _reply(self, request: str, status: str, body: str) -> str:
        lines = [f"SIP/2.0 {status}"]
        for name in ("Via", "Record-Route"):
            lines += [
                f"{name}: {value}" for value in re.findall(rf"^{name}:\s*(.*?)\r$", request, re.M)
            ]
        to = _header(request, "To")
        lines += [
            f"From: {_header(request, 'From')}",
            f"To: {to}" if ";tag=" in to else f"To: {to};tag=agent{secrets.token_hex(3)}",
            f"Call-ID: {_header(request, 'Call-ID')}",
            f"CSeq: {_header(request, 'CSeq')}",
            f"Contact: <{self.contact}>",
        ]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body)}")
        return "\r\n".join(lines) + "\r\n\r\n" + body


def _connect(url: str) -> ClientConnection:
    return connect(url, subprotocols=["sip"])  # type: ignore[list-item]


def test_websocket_agent_registers_and_is_rung_with_in_dialog_requests_through_the_edge(
    voice_stack, voice_service_addresses, sipp, sip_credentials
) -> None:
    with _connect(voice_stack.ws_url) as ws:
        agent = WebSocketAgent(ws, "agent-7")
        assert agent.register(*sip_credentials(7)) == "SIP/2.0 200 OK"
        answering = agent.answer_calls()

        call = sipp.run(
            "caller.xml",
            remote=voice_stack.sip_address,
            local_port=voice_service_addresses[0].port,
            service="agent-7",
            keys={"domain": SIP_DOMAIN},
            duration_ms=500,
        )
        answering.join(timeout=20)

    assert (call.exit_code, call.successful, call.failed) == (0, 1, 0)
    methods = [message.split(" ", 1)[0] for message in agent.received]
    assert methods == ["INVITE", "ACK", "BYE"]


def test_websocket_registration_with_wrong_credentials_is_refused(
    voice_stack, sip_credentials
) -> None:
    username, password = sip_credentials(7)
    with _connect(voice_stack.ws_url) as ws:
        status = WebSocketAgent(ws, "agent-7").register(username, password.upper())

    assert status.split(" ")[1] in {"401", "403"}
