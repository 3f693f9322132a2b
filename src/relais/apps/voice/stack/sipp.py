"""SIPp as the operator and as desk phones: the scenarios the demo's callers (`relais traffic`)
and bench.voice_load share, and the command line around them.

`caller_scenario`: an operator's call in G.711 A-law: INVITE with its SDP, the 200 (the voice
service answers at once and queues the call with music), ACK, the caller's audio from a WAV
file (`rtp_stream`) for SIPp's `-d` milliseconds, then BYE. `desk_phone_scenario`: a desk
phone answering at once (180, 200 with its SDP), the caller's audio echoed back by SIPp's
`-rtp_echo`, until the BYE.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

#: SIPp on the loopback, no keyboard; the statistics to a file (`-trace_stat -stf FILE`).
SIPP = ("sipp", "-i", "127.0.0.1", "-nostdin")

_CALLER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="{name}">
  <send retrans="500"><![CDATA[
    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:{caller}@[local_ip]:[local_port]>
    Max-Forwards: 70
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 1 1 IN IP[local_ip_type] [local_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [auto_media_port] RTP/AVP 8 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-16
    a=sendrecv
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true" rtd="true"/>
  <send><![CDATA[
    ACK [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: 1 ACK
    [routes]
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <nop><action><exec rtp_stream="{audio},-1,8"/></action></nop>
  <pause/>
  <nop><action><exec rtp_stream="pause"/></action></nop>
  <send retrans="500"><![CDATA[
    BYE [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: 2 BYE
    [routes]
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <recv response="200" crlf="true"/>
</scenario>
"""

_DESK_PHONE = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="{name}">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
    SIP/2.0 180 Ringing
    [last_Via:]
    [last_From:]
    [last_To:];tag=[pid]SIPpTag01[call_number]
    [last_Call-ID:]
    [last_CSeq:]
    Contact: <sip:agent@[local_ip]:[local_port]>
    Content-Length: 0
  ]]></send>
  <send retrans="500"><![CDATA[
    SIP/2.0 200 OK
    [last_Via:]
    [last_From:]
    [last_To:];tag=[pid]SIPpTag01[call_number]
    [last_Call-ID:]
    [last_CSeq:]
    Contact: <sip:agent@[local_ip]:[local_port]>
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 2 2 IN IP[media_ip_type] [media_ip]
    s=-
    c=IN IP[media_ip_type] [media_ip]
    t=0 0
    m=audio [media_port] RTP/AVP 8 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=sendrecv
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


def caller_scenario(*, caller: str = "0600000000", audio: str = "caller.wav") -> str:
    """The operator's call from `caller` (a number, or `[field0]` for SIPp's `-inf` file),
    streaming `audio` (an A-law WAV, relative to SIPp's directory) once answered."""
    return _CALLER.format(name="relais caller", caller=caller, audio=audio)


def desk_phone_scenario() -> str:
    """A desk phone that answers every call at once (with `-rtp_echo`: echoes the audio)."""
    return _DESK_PHONE.format(name="relais desk phone")


def alaw_wav(source: Path, path: Path) -> Path:
    """`source` (any WAV) as SIPp's `rtp_stream` wants it: 8 kHz mono A-law."""
    sox = shutil.which("sox")
    if not sox:
        raise FileNotFoundError("SIPp's audio needs sox (Debian: apt-get install sox)")
    command = [sox, str(source), "-r", "8000", "-c", "1", "-e", "a-law", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=30)  # noqa: S603
    return path


def tone_wav(path: Path, *, seconds: float, hertz: int = 440) -> Path:
    """A steady tone, in A-law, for load: `seconds` long."""
    sox = shutil.which("sox")
    if not sox:
        raise FileNotFoundError("SIPp's audio needs sox (Debian: apt-get install sox)")
    command = [sox, "-n", "-r", "8000", "-c", "1", "-e", "a-law", str(path)]
    command += ["synth", str(seconds), "sine", str(hertz), "vol", "0.3"]
    subprocess.run(command, check=True, capture_output=True, timeout=30)  # noqa: S603
    return path
