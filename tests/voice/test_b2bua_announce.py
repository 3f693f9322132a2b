"""A queued caller hears their place in the line and the estimated wait every so often, in
the number's language (docs/voice.md, "Call control"): `relais voice` with a real rtpengine,
whose `ng` commands pass through a relay that keeps them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from relais.apps.routing.models import Queue
from relais.apps.voice.stack.processes import VoiceStack
from tests.apps.conftest import World
from tests.voice.b2bua_support import (
    DIALLED,
    RtpEndpoint,
    Stack,
    caller_scenario,
    finished,
    sipp,
    wait_for,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


class NgRelay:
    """Passes `ng` datagrams between the voice service and rtpengine, keeping each request."""

    def __init__(self, rtpengine: tuple[str, int]) -> None:
        self.rtpengine = rtpengine
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.address = self.sock.getsockname()
        self.requests: list[bytes] = []
        self.clients: dict[bytes, tuple[str, int]] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                data, source = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            cookie = data.split(b" ", 1)[0]
            if source == self.rtpengine:
                client = self.clients.get(cookie)
                if client is not None:
                    self.sock.sendto(data, client)
            else:
                self.requests.append(data)
                self.clients[cookie] = source
                self.sock.sendto(data, self.rtpengine)

    def played(self) -> list[str]:
        """The files of every `play media` request, in order."""
        files = []
        for request in self.requests:
            if b"10:play media" in request:
                name = request.split(b"4:file", 1)[1]
                length, _, rest = name.partition(b":")
                files.append(rest[: int(length)].decode())
        return files

    def __enter__(self) -> NgRelay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def recorded_prompts(tmp_path: Path) -> Path:
    """A few short prompts laid out as recorded ones (RELAIS_VOICE_PROMPTS_DIR)."""
    directory = tmp_path / "recorded"
    (directory / "fr").mkdir(parents=True)
    first = directory / "fr" / "welcome.wav"
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "8000",
            "-c",
            "1",
            "-b",
            "16",
            str(first),
            "synth",
            "0.3",
            "sine",
            "600",
        ],
        check=True,
    )
    for name in ("position_1", "busy"):
        shutil.copy(first, directory / "fr" / f"{name}.wav")
    return directory


@pytest.fixture
def relay(voice_stack: VoiceStack) -> Iterator[NgRelay]:
    with NgRelay(voice_stack.ng_address) as running:
        yield running


def test_a_queued_caller_hears_their_place_and_the_wait_between_the_music(
    world: World,
    phone_queue: Queue,
    stack: Stack,
    relay: NgRelay,
    recorded_prompts: Path,
) -> None:
    # given a voice service announcing every second, and nobody logged in to answer
    stack.env["RELAIS_VOICE_PROMPTS_DIR"] = str(recorded_prompts)
    stack.start(
        "voice",
        "voice",
        "--sip",
        f"127.0.0.1:{stack.sip_port}",
        "--ng",
        f"{relay.address[0]}:{relay.address[1]}",
        "--music",
        str(stack.workdir / "music.wav"),
        "--announce-every",
        "1",
    )
    log = stack.workdir / "voice.log"
    assert wait_for(lambda: log.exists() and "voice: active" in log.read_text(), 60), stack.logs()

    # when a caller waits 4.5 s on the French number
    with RtpEndpoint() as media:
        caller = sipp(
            stack.workdir,
            "caller",
            caller_scenario(hang_up_after_ms=4500),
            "-s",
            DIALLED,
            "-set",
            "rtpport",
            str(media.port),
            target=stack.target,
        )
        assert finished(caller, stack) == 0, stack.logs()

    # then they heard the welcome, the music, then first in line and "all our advisers are
    # busy" (no wait can be estimated with nobody logged in), then the music again
    played = [Path(file).name for file in relay.played()]
    assert played[:2] == ["welcome.wav", "music.wav"], played
    assert "position_1.wav" in played, stack.logs()
    at = played.index("position_1.wav")
    assert played[at : at + 3] == ["position_1.wav", "busy.wav", "music.wav"], played
    assert all(
        file.endswith(("/fr/position_1.wav", "/fr/busy.wav", "/fr/welcome.wav", "music.wav"))
        for file in relay.played()
    )
    assert media.music > 0
