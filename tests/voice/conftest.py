"""Voice integration tests: real Kamailio, rtpengine and SIPp (make test-voice, in a network
namespace with loopback only). Every test under tests/voice/ carries the `voice` marker.

Fixtures for every voice helper's tests:
- `voice_stack`: rtpengine + Kamailio on free ports in a temporary directory, stopped by PID;
  two voice service addresses are reserved in its dispatcher set (`voice_service_addresses`).
- `sipp`: runs SIPp scenarios (tests/voice/scenarios/) in the foreground or background.
- `rtp_capture`: counts RTP packets per UDP port on the loopback (dumpcap), for SIPp's side.
- `free_port`, `sip_credentials(agent_pk)`.

Fixtures for the voice service's tests (helpers in `b2bua_support.py`):
- `stack`: `relais voice` and `relais router` as processes on this test's PostgreSQL database,
  with the `voice_stack`'s rtpengine (`Stack`);
- `world`: the organisation of `tests/apps/conftest.py`, in a transactional database;
- `phone_queue`: a voice queue answering `DIALLED`.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from relais.apps.routing.models import Channel, Queue
from relais.apps.voice.models import Number
from relais.apps.voice.ng import NgClient
from relais.apps.voice.stack import credentials
from relais.apps.voice.stack.capture import RtpCapture
from relais.apps.voice.stack.kamailio import SipAddress
from relais.apps.voice.stack.ports import free_port as _free_port
from relais.apps.voice.stack.processes import VoiceStack, voice_stack_missing
from tests.apps.conftest import World, world_build
from tests.apps.routing.fixtures import orders_queue
from tests.voice.b2bua_support import DIALLED, Stack, child_database_url, free_udp_port

SCENARIOS = Path(__file__).parent / "scenarios"
# The stack uses the settings' domain and secret, so credentials from the web side (the desktop's
# softphone) are accepted by the Kamailio these fixtures start.
SIP_DOMAIN: str = settings.SIP_DOMAIN
SIP_SECRET: str = settings.SIP_SECRET


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/voice/" in str(item.fspath):
            item.add_marker(pytest.mark.voice)


@pytest.fixture(scope="session", autouse=True)
def _voice_packages() -> None:
    missing = voice_stack_missing()
    if not missing and not (shutil.which("dumpcap") and shutil.which("tshark")):
        missing = "the voice tests count RTP with dumpcap: apt-get install tshark"
    if missing:
        pytest.fail(f"make test-voice: {missing}")


@pytest.fixture
def free_port() -> Callable[[], int]:
    return _free_port


@pytest.fixture
def sip_credentials() -> Callable[..., tuple[str, str]]:
    """`sip_credentials(agent_pk, ttl_s=3600)`: the ephemeral (username, password) Kamailio
    accepts for `agent-<pk>` in the `voice_stack` fixture (settings.SIP_SECRET)."""

    def make(agent_pk: int, *, ttl_s: int = 3600) -> tuple[str, str]:
        return credentials.sip_credentials(SIP_SECRET, agent_pk, ttl_s=ttl_s)

    return make


@pytest.fixture
def work_dir() -> Iterator[Path]:
    """A temporary directory for the test's configs, logs and SIPp traces (kept, and its path
    printed, when RELAIS_VOICE_KEEP=1)."""
    path = Path(tempfile.mkdtemp(prefix="relais-voice-"))
    yield path
    if os.environ.get("RELAIS_VOICE_KEEP") == "1":
        print(f"voice test files kept in {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def voice_service_addresses() -> tuple[SipAddress, SipAddress]:
    """Where the active and the standby voice services will listen (UDP, 127.0.0.1)."""
    return (SipAddress("127.0.0.1", _free_port()), SipAddress("127.0.0.1", _free_port()))


@pytest.fixture
def voice_stack(
    work_dir: Path, voice_service_addresses: tuple[SipAddress, SipAddress]
) -> Iterator[VoiceStack]:
    """A running SIP edge and media server with settings.SIP_DOMAIN and SIP_SECRET: any
    127.0.0.1 port may act as the trunk; the two `voice_service_addresses` are the dispatcher
    set (probed every second)."""
    stack = VoiceStack.on_free_ports(
        work_dir / "stack",
        sip_domain=SIP_DOMAIN,
        sip_secret=SIP_SECRET,
        trunks=(SipAddress("127.0.0.1"),),
        voice_services=voice_service_addresses,
        ds_ping_interval_s=1,
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@dataclass
class SippResult:
    exit_code: int
    successful: int
    failed: int
    stat_file: Path
    message_file: Path

    @property
    def calls(self) -> int:
        return self.successful + self.failed

    def messages(self) -> str:
        """Every SIP message SIPp sent and received (-trace_msg)."""
        return self.message_file.read_text(errors="replace") if self.message_file.exists() else ""


@dataclass
class SippProcess:
    process: subprocess.Popen[bytes]
    stat_file: Path
    message_file: Path
    log_file: Path

    def result(self, *, timeout_s: float = 30.0) -> SippResult:
        """Wait for SIPp to finish (after its -m calls) and read its statistics."""
        exit_code = self.process.wait(timeout=timeout_s)
        return _result(exit_code, self.stat_file, self.message_file)

    def stop(self) -> SippResult:
        """Stop a SIPp that runs until stopped (a UAS without -m), by its PID."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGUSR1)  # SIPp: stop gracefully, dump statistics
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        return _result(self.process.returncode, self.stat_file, self.message_file)


def _result(exit_code: int, stat_file: Path, message_file: Path) -> SippResult:
    successful = failed = 0
    if stat_file.exists():
        rows = list(csv.DictReader(stat_file.open(), delimiter=";"))
        if rows:
            successful = int(rows[-1]["SuccessfulCall(C)"])
            failed = int(rows[-1]["FailedCall(C)"])
    return SippResult(exit_code, successful, failed, stat_file, message_file)


@dataclass
class Sipp:
    """Runs SIPp scenarios from tests/voice/scenarios with a working directory per run (holding
    `caller.wav`, the A-law audio the caller streams). Background runs are stopped by PID."""

    work_dir: Path
    running: list[SippProcess] = field(default_factory=list)
    runs: int = 0

    def start(
        self,
        scenario: str,
        *,
        remote: tuple[str, int] | None = None,
        local_port: int | None = None,
        service: str | None = None,
        keys: dict[str, str] | None = None,
        calls: int | None = 1,
        duration_ms: int = 0,
        media_port: int | None = None,
        rtp_echo: bool = False,
        auth: tuple[str, str] | None = None,
        timeout_s: int = 60,
        recv_timeout_ms: int = 20000,
        extra: list[str] | None = None,
    ) -> SippProcess:
        """Start SIPp on `scenario` (a file of tests/voice/scenarios). `remote`: where it sends
        (a UAC); `service`: the Request-URI user (-s); `keys`: -key values used in the scenario;
        `calls`: -m (None: until stopped); `duration_ms`: -d, each <pause/>; `media_port`: -mp
        (the caller's RTP port, the echo port with `rtp_echo`); `auth`: -au/-ap; `timeout_s`:
        SIPp gives up (a failure) after that long; `extra`: more SIPp options."""
        self.runs += 1
        run_dir = self.work_dir / f"sipp-{self.runs}-{Path(scenario).stem}"
        run_dir.mkdir(parents=True)
        shutil.copy(self.audio(), run_dir / "caller.wav")
        command = ["sipp"]
        if remote:
            command.append(f"{remote[0]}:{remote[1]}")
        command += ["-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-nostdin"]
        command += ["-p", str(local_port or _free_port()), "-cp", str(_free_port())]
        command += ["-mp", str(media_port or _free_port()), "-d", str(duration_ms)]
        command += ["-trace_stat", "-stf", "stat.csv", "-fd", "1"]
        command += ["-trace_msg", "-message_file", "messages.log"]
        command += ["-trace_err", "-error_file", "errors.log", "-timeout_error"]
        command += ["-timeout", f"{timeout_s}s", "-recv_timeout", str(recv_timeout_ms)]
        if service:
            command += ["-s", service]
        if calls is not None:
            command += ["-m", str(calls)]
        if rtp_echo:
            command.append("-rtp_echo")
        if auth:
            command += ["-au", auth[0], "-ap", auth[1]]
        for key, value in (keys or {}).items():
            command += ["-key", key, value]
        command += extra or []
        log_file = run_dir / "sipp.log"
        with log_file.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=run_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        handle = SippProcess(process, run_dir / "stat.csv", run_dir / "messages.log", log_file)
        self.running.append(handle)
        return handle

    def run(self, scenario: str, *, timeout_s: float = 30.0, **options: object) -> SippResult:
        """Run a scenario to its end (its -m calls) and return what SIPp counted."""
        return self.start(scenario, **options).result(timeout_s=timeout_s)  # type: ignore[arg-type]

    def audio(self) -> Path:
        """Ten seconds of a 440 Hz tone, G.711 A-law in a WAV (SIPp's rtp_stream reads it)."""
        path = self.work_dir / "tone-alaw.wav"
        if not path.exists():
            subprocess.run(
                [
                    "sox",
                    "-n",
                    "-r",
                    "8000",
                    "-c",
                    "1",
                    "-e",
                    "a-law",
                    str(path),
                    "synth",
                    "10",
                    "sine",
                    "440",
                    "vol",
                    "0.3",
                ],
                check=True,
                capture_output=True,
            )
        return path

    def stop_all(self) -> None:
        for handle in self.running:
            handle.stop()
        self.running.clear()


@pytest.fixture
def sipp(work_dir: Path) -> Iterator[Sipp]:
    runner = Sipp(work_dir)
    try:
        yield runner
    finally:
        runner.stop_all()


@pytest.fixture
def rtp_capture(work_dir: Path) -> Iterator[Callable[[int, int], RtpCapture]]:
    """`rtp_capture(port_min, port_max)` starts a capture; stopped by PID at teardown."""
    captures: list[RtpCapture] = []

    def start(port_min: int, port_max: int) -> RtpCapture:
        capture = RtpCapture(work_dir / f"rtp-{len(captures)}.pcapng").start(port_min, port_max)
        captures.append(capture)
        return capture

    yield start
    for capture in captures:
        capture.stop()


# The voice service and the router as processes -----------------------------------------


@pytest.fixture
def stack(tmp_path: Path, voice_stack: VoiceStack) -> Iterator[Stack]:
    """rtpengine from the `voice_stack` fixture (tests/voice/conftest.py); the voice service
    and the router as processes on this test's PostgreSQL database."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-voice)")
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
            str(tmp_path / "music.wav"),
            "synth",
            "3",
            "sine",
            "440",
        ],
        check=True,
    )
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "RELAIS_DATA_DIR": str(tmp_path),
        "RELAIS_LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    running = Stack(
        tmp_path,
        NgClient(voice_stack.ng_address),
        free_udp_port(),
        env,
        [],
        dtmf=voice_stack.dtmf_setting,
    )
    try:
        yield running
    finally:
        for process in running.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        connection.close()


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_build()


@pytest.fixture
def phone_queue(world: World) -> Queue:
    queue = orders_queue(world, code="phone", channel=Channel.VOICE)
    Queue.objects.filter(pk=queue.pk).update(wrap_up_seconds=1, offer_timeout_seconds=20)
    Number.objects.create(number=DIALLED, queue=queue, label="Service client")
    return queue
