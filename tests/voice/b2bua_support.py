"""What the B2BUA's tests share: SIPp scenarios for the operator and desk phones, the caller's
media in Python (docs/voice.md, "Call control")."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from relais.apps.interactions import services
from relais.apps.voice.models import AgentLine, Call, CallState, LineKind
from relais.apps.voice.ng import NgClient
from tests.apps.conftest import World
from tests.apps.presence import desk_open


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# SIPp: the operator (caller) and the agents' desk phones -----------------------------------

SDP_OFFER = """v=0
o=- 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio [$rtpport] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=sendrecv"""

INVITE = """INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Client" <sip:0612345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:0612345678@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

"""


def in_dialog(method: str, cseq: int, body: str = "") -> str:
    content = "Content-Type: application/sdp\n      " if body else ""
    return f"""{method} [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Client" <sip:0612345678@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} {method}
      Contact: <sip:0612345678@[local_ip]:[local_port]>
      Max-Forwards: 70
      [routes]
      {content}Content-Length: [len]

{body}
"""


def scenario(name: str, *steps: str) -> str:
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
        f'<scenario name="{name}">\n' + "\n".join(steps) + "\n</scenario>\n"
    )


def send(message: str, *, retrans: bool = True) -> str:
    attribute = ' retrans="500"' if retrans else ""
    return f"<send{attribute}><![CDATA[\n      {message.strip()}\n\n    ]]></send>"


def ack(cseq: int = 1) -> str:
    return send(in_dialog("ACK", cseq), retrans=False)


def caller_scenario(
    *,
    hang_up_after_ms: int,
    reinvite: bool = False,
    reinvite_after_ms: int = 500,
    refer: bool = False,
    hung_up_on: bool = False,
) -> str:
    """The operator: INVITE with audio, answered, (a re-INVITE `reinvite_after_ms` after the
    answer: a session refresh), (a REFER elsewhere, which
    must be refused 403), then BYE (`hung_up_on`: the caller waits for the voice service's
    BYE instead, `hang_up_after_ms` ignored)."""
    steps = [
        '<Global variables="rtpport"/>',
        send(INVITE + "      " + SDP_OFFER.replace("\n", "\n      ")),
        '<recv response="100" optional="true"/>',
        '<recv response="180" optional="true"/>',
        '<recv response="200" rrs="true"/>',
        ack(),
    ]
    if reinvite:
        offer = SDP_OFFER.replace("o=- 1 1", "o=- 1 2").replace("\n", "\n      ")
        steps += [
            f'<pause milliseconds="{reinvite_after_ms}"/>',
            send(in_dialog("INVITE", 2, offer)),
            '<recv response="100" optional="true"/>',
            '<recv response="200"><action><ereg regexp="m=audio [0-9]+" search_in="body"'
            ' check_it="true" assign_to="answer"/></action></recv>',
            ack(2),
            '<Reference variables="answer"/>',
        ]
    if refer:
        referring = in_dialog("REFER", 2).replace(
            "Max-Forwards: 70", "Max-Forwards: 70\n      Refer-To: <sip:+33999999999@example.net>"
        )
        steps += [
            '<pause milliseconds="500"/>',
            send(referring),
            '<recv response="403"/>',
        ]
    if hung_up_on:
        steps += ['<recv request="BYE"/>', send(reply("200 OK", tag=False), retrans=False)]
    else:
        steps += [
            f'<pause milliseconds="{hang_up_after_ms}"/>',
            send(in_dialog("BYE", 3)),
            '<recv response="200" crlf="true"/>',
        ]
    return scenario("caller", *steps)


def reply(status: str, *, tag: bool = True, sdp: bool = False) -> str:
    to = "[last_To:];tag=[pid]SIPpTag01[call_number]" if tag else "[last_To:]"
    body = (
        "Content-Type: application/sdp\n      Content-Length: [len]\n\n      v=0\n"
        "      o=- 2 2 IN IP[media_ip_type] [media_ip]\n      s=-\n"
        "      c=IN IP[media_ip_type] [media_ip]\n      t=0 0\n"
        "      m=audio [media_port] RTP/AVP 0 101\n      a=rtpmap:0 PCMU/8000\n"
        "      a=rtpmap:101 telephone-event/8000\n      a=fmtp:101 0-16\n      a=sendrecv"
        if sdp
        else "Content-Length: 0\n"
    )
    return f"""SIP/2.0 {status}
      [last_Via:]
      [last_From:]
      {to}
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
      {body}
"""


def agent_scenario(*, answer_after_ms: int) -> str:
    """A desk phone: rings, answers after a while (echoing RTP with -rtp_echo), takes the BYE."""
    return scenario(
        "agent",
        '<recv request="INVITE" crlf="true"><action><ereg regexp="[0-9]+" search_in="hdr"'
        ' header="X-Relais-Contact:" check_it="true" assign_to="contact"/></action></recv>',
        send(reply("180 Ringing"), retrans=False),
        f'<pause milliseconds="{answer_after_ms}"/>',
        send(reply("200 OK", sdp=True)),
        '<recv request="ACK" optional="false"/>',
        '<recv request="BYE"/>',
        send(reply("200 OK"), retrans=False),
        '<Reference variables="contact"/>',
    )


def sipp(
    workdir: Path, name: str, xml: str, *args: str, target: str | None = None
) -> subprocess.Popen[bytes]:
    """Starts SIPp with scenario `xml` (one call); its logs land in `workdir`."""
    path = workdir / f"{name}.xml"
    path.write_text(xml)
    command = [
        "sipp",
        "-sf",
        str(path),
        "-i",
        "127.0.0.1",
        "-m",
        "1",
        "-nostdin",
        "-timeout",
        "120s",
        "-timeout_error",
        "-trace_err",
        "-trace_msg",
        "-message_file",
        str(workdir / f"{name}-messages.log"),
        "-error_file",
        str(workdir / f"{name}-errors.log"),
        *args,
    ]
    if target:
        command.append(target)
    log = (workdir / f"{name}.out").open("wb")
    return subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir
    )


class RtpEndpoint:
    """The caller's media, in Python: counts what rtpengine sends (music: its own SSRC) and
    sends a stream of its own once rtpengine has spoken (symmetric RTP), which the agent's
    SIPp echoes back: an echoed packet proves audio went both ways."""

    SSRC = 0x0CAFE

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.005)
        self.port = int(self.sock.getsockname()[1])
        self.music = 0  # packets from rtpengine's player
        self.echoed = 0  # our packets back through the agent
        self.music_after_echo = 0
        self.ssrcs: Counter[int] = Counter()  # packets received per SSRC
        self.music_times: list[float] = []  # when each music packet came (time.time())
        self.echo_times: list[float] = []
        self.keys: list[str] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RtpEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.thread.join(5)
        self.sock.close()

    def press(self, keys: str) -> None:
        """Press `keys` on the caller's keypad: RFC 4733 events (payload 101, as offered) in
        the stream, 100 ms each with 100 ms of audio between."""
        self.keys.extend(keys)

    def _key_packets(self, key: str) -> list[tuple[bool, bytes]]:
        """(marker, payload) of one key: 5 packets as it is held, 3 end packets."""
        import struct

        event = "0123456789*#ABCD".index(key)
        packets = [(i == 0, struct.pack("!BBH", event, 10, 160 * (i + 1))) for i in range(5)]
        packets += [(False, struct.pack("!BBH", event, 0x80 | 10, 800))] * 3
        return packets + [(False, b"")] * 5  # audio again between two keys

    def _run(self) -> None:
        import struct

        peer = None
        seq = 0
        next_send = time.monotonic()
        pending: list[tuple[bool, bytes]] = []  # a key's packets being sent (b"": audio)
        key_ts = 0
        while not self.stop_event.is_set():
            try:
                data, source = self.sock.recvfrom(2048)
            except TimeoutError:
                data = b""
            if len(data) >= 12:
                peer = peer or source
                ssrc = struct.unpack("!I", data[8:12])[0]
                self.ssrcs[ssrc] += 1
                if ssrc == self.SSRC:
                    self.echoed += 1
                    self.echo_times.append(time.time())
                else:
                    self.music += 1
                    self.music_times.append(time.time())
                    if self.echoed:
                        self.music_after_echo += 1
            if peer is not None and time.monotonic() >= next_send:  # 50 packets a second
                next_send += 0.02
                seq += 1
                if not pending and self.keys:
                    pending, key_ts = self._key_packets(self.keys.pop(0)), seq * 160
                marker, event = pending.pop(0) if pending else (False, b"")
                if event:  # one timestamp for every packet of a key (RFC 4733, 2.5.1.2)
                    kind = (0x80 if marker else 0) | 101
                    header = struct.pack("!BBHII", 0x80, kind, seq & 0xFFFF, key_ts, self.SSRC)
                    self.sock.sendto(header + event, peer)
                    continue
                header = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, self.SSRC)
                self.sock.sendto(header + b"\xff" * 160, peer)


def declining_scenario(status: str = "486 Busy Here") -> str:
    """A desk phone that refuses the call."""
    return scenario(
        "declining",
        '<recv request="INVITE" crlf="true"/>',
        send(reply(status), retrans=False),
        '<recv request="ACK" optional="false"/>',
    )


def agent_in_dialog(method: str, cseq: int, *headers: str) -> str:
    """A request from the agent's phone inside the call (`holding_agent_scenario`'s captures)."""
    extra = "".join(f"      {header}\n" for header in headers)
    return f"""{method} [$contact_uri] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$agent_to]
      To: [$agent_from]
      Call-ID: [call_id]
      CSeq: {cseq} {method}
      Contact: <sip:agent@[local_ip]:[local_port]>
      Max-Forwards: 70
{extra}      Content-Length: 0
"""


def answering_agent_steps(answer_after_ms: int) -> list[str]:
    """A desk phone rings, answers after a while and keeps what it needs to send requests in
    the call (`agent_in_dialog`)."""
    return [
        '<recv request="INVITE" crlf="true"><action>'
        '<ereg regexp=".*" search_in="hdr" header="From:" assign_to="agent_from"/>'
        '<ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" assign_to="contact_uri"/>'
        "</action></recv>",
        send(reply("180 Ringing"), retrans=False),
        f'<pause milliseconds="{answer_after_ms}"/>',
        send(reply("200 OK", sdp=True)),
        '<recv request="ACK" optional="false"><action>'
        '<ereg regexp=".*" search_in="hdr" header="To:" assign_to="agent_to"/>'
        "</action></recv>",
    ]


def referring_agent_scenario(*, answer_after_ms: int, refer_after_ms: int, target: str) -> str:
    """A desk phone that answers and, a while later, transfers the call with its transfer
    key: REFER to `target` (a SIP URI), 202, then the voice service's BYE."""
    return scenario(
        "referring",
        *answering_agent_steps(answer_after_ms),
        f'<pause milliseconds="{refer_after_ms}"/>',
        send(agent_in_dialog("REFER", 2, f"Refer-To: <{target}>")),
        '<recv response="202"/>',
        '<recv request="BYE"/>',
        send(reply("200 OK", tag=False), retrans=False),
    )


def hanging_up_agent_scenario(*, answer_after_ms: int, hang_up_after_ms: int) -> str:
    """A desk phone that answers, echoes RTP (with -rtp_echo), and hangs up first."""
    return scenario(
        "hanging-up",
        *answering_agent_steps(answer_after_ms),
        f'<pause milliseconds="{hang_up_after_ms}"/>',
        send(agent_in_dialog("BYE", 2)),
        '<recv response="200"/>',
    )


def agent_reinvite(cseq: int, direction: str) -> str:
    """The agent's phone re-INVITEs the B2BUA (hold: sendonly; resume: sendrecv)."""
    return f"""INVITE [$contact_uri] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$agent_to]
      To: [$agent_from]
      Call-ID: [call_id]
      CSeq: {cseq} INVITE
      Contact: <sip:agent@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 2 {cseq} IN IP[media_ip_type] [media_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
      a={direction}
"""


def holding_agent_scenario(*, hold_after_ms: int, hold_for_ms: int) -> str:
    """A desk phone that answers, puts the caller on hold a while, resumes, takes the BYE."""
    ack_line = """ACK [$contact_uri] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$agent_to]
      To: [$agent_from]
      Call-ID: [call_id]
      CSeq: {cseq} ACK
      Max-Forwards: 70
      Content-Length: 0
"""
    return scenario(
        "holding",
        '<recv request="INVITE" crlf="true"><action>'
        '<ereg regexp=".*" search_in="hdr" header="From:" assign_to="agent_from"/>'
        '<ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" assign_to="contact_uri"/>'
        "</action></recv>",
        send(reply("200 OK", sdp=True)),
        '<recv request="ACK" optional="false"><action>'
        '<ereg regexp=".*" search_in="hdr" header="To:" assign_to="agent_to"/>'
        "</action></recv>",
        f'<pause milliseconds="{hold_after_ms}"/>',
        send(agent_reinvite(2, "sendonly")),
        '<recv response="100" optional="true"/>',
        '<recv response="200"><action><ereg regexp="a=recvonly" search_in="body"'
        ' check_it="true" assign_to="held"/></action></recv>',
        send(ack_line.format(cseq=2), retrans=False),
        f'<pause milliseconds="{hold_for_ms}"/>',
        send(agent_reinvite(3, "sendrecv")),
        '<recv response="100" optional="true"/>',
        '<recv response="200"/>',
        send(ack_line.format(cseq=3), retrans=False),
        '<recv request="BYE"/>',
        send(reply("200 OK"), retrans=False),
        '<Reference variables="held"/>',
    )


def wait_until_dispatched(edge: tuple[str, int], number: str, seconds: float = 30.0) -> None:
    """Wait until Kamailio dispatches a new call to an active voice service (its probes have
    seen one answer 200): an INVITE without SDP gets the voice service's 400, not the edge's
    503. It creates nothing."""
    deadline = time.monotonic() + seconds
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(1)
        port = sock.getsockname()[1]
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            sock.sendto(
                (
                    f"INVITE sip:{number}@{edge[0]}:{edge[1]} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-ready-{attempt}\r\n"
                    f"From: <sip:ready@127.0.0.1:{port}>;tag=ready\r\n"
                    f"To: <sip:{number}@{edge[0]}>\r\nCall-ID: ready-{attempt}-{port}\r\n"
                    f"CSeq: 1 INVITE\r\nContact: <sip:ready@127.0.0.1:{port}>\r\n"
                    "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n"
                    "Content-Length: 5\r\n\r\nready"
                ).encode(),
                edge,
            )
            try:
                while True:
                    status = sock.recv(65535).split(b" ", 2)[1]
                    if status == b"503":
                        break
                    if not status.startswith(b"1"):
                        return
            except TimeoutError:
                pass
            time.sleep(0.2)
    raise AssertionError(f"Kamailio at {edge} never dispatched to a voice service")


# The voice service and the router as processes: the `stack` fixture (conftest.py) -------

DIALLED = "+33199000101"


def wait_for(condition: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return None


def child_database_url() -> str:
    """This test's database for the processes it starts (over TCP, or a unix socket directory
    as `make test-voice` has it in its network namespace)."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or settings.get("OPTIONS", {}).get("host") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{settings['NAME']}?host={host}"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@dataclass
class Stack:
    workdir: Path
    ng: NgClient
    sip_port: int
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]]
    dtmf: str = ""  # where rtpengine sends keypad presses (`relais voice --dtmf`)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.sip_port}"

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "relais.cli", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def voice(
        self, name: str = "voice", *extra: str, sip_port: int | None = None
    ) -> subprocess.Popen[bytes]:
        """`relais voice` on this stack, once it is up (taking calls or standing by)."""
        host, port = self.ng.address
        process = self.start(
            name,
            "voice",
            "--sip",
            f"127.0.0.1:{sip_port or self.sip_port}",
            "--ng",
            f"{host}:{port}",
            "--music",
            str(self.workdir / "music.wav"),
            "--dtmf",
            self.dtmf,
            *extra,
        )
        log = self.workdir / f"{name}.log"
        assert wait_for(
            lambda: "voice: active" in log.read_text() or "standby" in log.read_text(), 60
        ), self.logs()
        return process

    def dial(
        self,
        media: RtpEndpoint,
        *,
        hang_up_after_ms: int,
        reinvite: bool = False,
        reinvite_after_ms: int = 500,
        hung_up_on: bool = False,
        name: str = "caller",
        target: str | None = None,
    ) -> subprocess.Popen[bytes]:
        """The operator calls the number (SIPp, its audio from `media`), hangs up later."""
        return sipp(
            self.workdir,
            name,
            caller_scenario(
                hang_up_after_ms=hang_up_after_ms,
                reinvite=reinvite,
                reinvite_after_ms=reinvite_after_ms,
                hung_up_on=hung_up_on,
            ),
            "-s",
            DIALLED,
            "-set",
            "rtpport",
            str(media.port),
            target=target or self.target,
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.workdir.glob("*.log")) + sorted(self.workdir.glob("*/*.log"))
            if path.stat().st_size
        )


def desk_phone(world: World, key: str, port: int) -> Any:
    """The agent `key` logged in, their calls ringing a desk phone (SIPp) on `port`."""
    agent = world.agents[key]
    AgentLine.objects.create(
        agent=agent, kind=LineKind.DESK_PHONE, static_contact=f"sip:agent@127.0.0.1:{port}"
    )
    desk_open(agent)
    services.agent_login(actor=agent.user, agent=agent)
    return agent


def answering_desk(stack: Stack, name: str, port: int, *, echo: bool) -> subprocess.Popen[bytes]:
    """A desk phone that answers after 300 ms (`echo`: sending back the audio it gets) and
    waits for the BYE. Only one of two phones in a call echoes: talking to each other, two
    echoing phones would send a packet back and forth without end."""
    media = ["-mp", str(free_udp_port()), "-rtp_echo"] if echo else []
    return sipp(stack.workdir, name, agent_scenario(answer_after_ms=300), "-p", str(port), *media)


def call_ended(stack: Stack) -> Call:
    """The one call of the test, once its end is in the record (written after the BYE)."""
    call = wait_for(lambda: Call.objects.filter(state=CallState.ENDED).first(), 20)
    assert call is not None, stack.logs()
    return call


def finished(process: subprocess.Popen[bytes], stack: Stack, seconds: float = 40) -> int:
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"SIPp did not finish\n{stack.logs()}")
    return -1
