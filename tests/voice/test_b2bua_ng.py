"""The ng client against a real rtpengine (docs/voice.md, "Call control")."""

import socket
import struct
import subprocess
import threading

import pytest

from relais.apps.voice.ng import NgClient, NgError, NgTimeout
from tests.voice.b2bua_support import free_udp_port, rtpengine

pytestmark = pytest.mark.voice


def sdp(port: int) -> str:
    return (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"
    )


def media_port(text: str) -> int:
    line = next(line for line in text.splitlines() if line.startswith("m=audio"))
    return int(line.split()[1])


def rtp(seq: int) -> bytes:
    return struct.pack("!BBHII", 0x80, 0, seq, seq * 160, 0x1234) + b"\xff" * 160


@pytest.fixture
def ng(tmp_path):
    with rtpengine(tmp_path) as client:
        yield client


def test_ping_offer_answer_query_and_delete(ng):
    # given two endpoints with their own sockets
    caller, agent = (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
    )
    caller.bind(("127.0.0.1", 0))
    agent.bind(("127.0.0.1", 0))
    caller.settimeout(2)
    agent.settimeout(2)
    ng.ping()

    # when the caller offers and the agent answers through rtpengine
    offered = ng.offer(call_id="c1", from_tag="caller", sdp=sdp(caller.getsockname()[1]))
    answered = ng.answer(
        call_id="c1", from_tag="caller", to_tag="agent", sdp=sdp(agent.getsockname()[1])
    )
    assert "telephone-event/8000" in offered.sdp
    assert "telephone-event/8000" in answered.sdp

    # then media flows both ways and query counts what came from each side
    for seq in range(5):
        caller.sendto(rtp(seq), ("127.0.0.1", media_port(answered.sdp)))
        agent.sendto(rtp(seq), ("127.0.0.1", media_port(offered.sdp)))
    assert len(agent.recv(2048)) == 172
    assert len(caller.recv(2048)) == 172
    stats = ng.query(call_id="c1")
    assert stats.legs["caller"].packets >= 1
    assert stats.legs["agent"].packets >= 1

    ng.delete(call_id="c1", from_tag="caller")
    with pytest.raises(NgError, match="Unknown call-id"):
        ng.query(call_id="c1")


def test_play_block_and_stop_media(ng, tmp_path):
    tone = tmp_path / "tone.wav"
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(tone), "synth", "1", "sine", "440"],
        check=True,
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(2)
    ng.offer(call_id="c2", from_tag="caller", sdp=sdp(listener.getsockname()[1]))
    ng.answer(call_id="c2", from_tag="caller", to_tag="agent", sdp=sdp(free_udp_port()))

    assert ng.play_media(call_id="c2", from_tag="caller", file=str(tone)) == 1000
    assert len(listener.recv(2048)) >= 12  # the caller hears the file
    ng.stop_media(call_id="c2", from_tag="caller")
    ng.block_media(call_id="c2", from_tag="agent")
    ng.unblock_media(call_id="c2", from_tag="agent")
    with pytest.raises(NgError):
        ng.play_media(call_id="c2", from_tag="caller", file=str(tmp_path / "missing.wav"))


def test_many_threads_share_one_client(ng):
    errors = []

    def ping_many():
        try:
            for _ in range(20):
                ng.ping()
        except NgError as error:
            errors.append(error)

    threads = [threading.Thread(target=ping_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_silence_raises_a_timeout_after_the_retries():
    client = NgClient(("127.0.0.1", free_udp_port()), timeout=0.05, retries=1)

    with pytest.raises(NgTimeout):
        client.ping()
