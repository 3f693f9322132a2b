"""Start and stop the voice stack (rtpengine, then Kamailio) with generated configs.

`VoiceStack` writes every file under one run directory (`var/voice/` by default, a temporary
directory in tests), starts each process, waits until it answers (ng `ping`, SIP `OPTIONS`) and
stops every process by its PID, also when a start fails halfway.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Self

from relais.apps.voice.stack.kamailio import (
    MODULES_DIR,
    KamailioConfig,
    SipAddress,
    kamailio_command,
    write_kamailio_files,
)
from relais.apps.voice.stack.ports import free_port, free_port_range
from relais.apps.voice.stack.rtpengine import RtpengineConfig, rtpengine_command, rtpengine_ping

# What each program or module is installed by (Debian 12).
DEBIAN_PACKAGES = {
    "kamailio": "kamailio",
    "websocket.so": "kamailio-websocket-modules",
    "tls.so": "kamailio-tls-modules",
    "auth_ephemeral.so": "kamailio-autheph-modules",
    "rtpengine": "rtpengine-daemon",
    "sipp": "sip-tester",
    "espeak-ng": "espeak-ng",
    "sox": "sox",
}


class VoiceStackError(RuntimeError):
    """A part of the stack did not start; the message names it and its log file."""


def voice_stack_missing() -> str | None:
    """None when the voice stack can run here, else one line saying what to install."""
    missing = []
    for name, package in DEBIAN_PACKAGES.items():
        present = (MODULES_DIR / name).exists() if name.endswith(".so") else shutil.which(name)
        if not present:
            missing.append(package)
    if not missing:
        return None
    return "voice needs Debian packages: apt-get install " + " ".join(missing)


def sip_options_ping(address: tuple[str, int], *, timeout_s: float = 0.5) -> bool:
    """True when a SIP server at `address` answers an OPTIONS over UDP with 200."""
    host, port = address
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        sock.bind((host, 0))
        local_port = sock.getsockname()[1]
        branch = "z9hG4bK" + secrets.token_hex(8)
        request = (
            f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {host}:{local_port};branch={branch};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:check@{host}>;tag={secrets.token_hex(4)}\r\n"
            f"To: <sip:{host}:{port}>\r\n"
            f"Call-ID: {secrets.token_hex(8)}@{host}\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        try:
            sock.sendto(request.encode(), address)
            answer, _ = sock.recvfrom(8192)
        except OSError:
            return False
    return answer.startswith(b"SIP/2.0 200")


@dataclass
class VoiceStack:
    """rtpengine and Kamailio for one site, configured, started and stopped together."""

    run_dir: Path
    kamailio: KamailioConfig
    rtpengine: RtpengineConfig
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @classmethod
    def on_free_ports(
        cls,
        run_dir: Path,
        *,
        sip_domain: str,
        sip_secret: str,
        trunks: tuple[SipAddress, ...],
        voice_services: tuple[SipAddress, ...],
        media_ports: int = 200,
        **kamailio_options: object,
    ) -> Self:
        """A stack on ports free right now (SIP, WS, ng, a media range, the voice service's
        keypad events: `dtmf_address`) on 127.0.0.1."""
        port_min, port_max = free_port_range(media_ports)
        return cls(
            run_dir=run_dir,
            kamailio=KamailioConfig(
                sip_domain=sip_domain,
                sip_secret=sip_secret,
                sip_port=free_port(),
                ws_port=free_port(),
                trunks=trunks,
                voice_services=voice_services,
                **kamailio_options,  # type: ignore[arg-type]
            ),
            rtpengine=RtpengineConfig(
                ng_port=free_port(),
                port_min=port_min,
                port_max=port_max,
                dtmf_dest=("127.0.0.1", free_port()),
            ),
        )

    @property
    def sip_address(self) -> tuple[str, int]:
        return self.kamailio.sip_address

    @property
    def ws_url(self) -> str:
        return f"ws://{self.kamailio.ws_host}:{self.kamailio.ws_port}"

    @property
    def ng_address(self) -> tuple[str, int]:
        return self.rtpengine.ng_address

    @property
    def dtmf_address(self) -> tuple[str, int] | None:
        """Where the voice service listens for rtpengine's keypad events (`relais voice
        --dtmf`)."""
        return self.rtpengine.dtmf_dest

    @property
    def dtmf_setting(self) -> str:
        """That address as `RELAIS_VOICE_DTMF_ADDRESS` and `relais voice --dtmf` take it (""
        for none)."""
        return "{}:{}".format(*self.dtmf_address) if self.dtmf_address else ""

    def addresses(self) -> dict[str, object]:
        """Where each part listens (also written to `stack.json` for the other processes)."""
        return {
            "sip": f"{self.sip_address[0]}:{self.sip_address[1]}",
            "ws": self.ws_url,
            "wss": f"wss://{self.kamailio.wss_host}:{self.kamailio.wss_port}"
            if self.kamailio.wss
            else None,
            "rtpengine_ng": f"{self.ng_address[0]}:{self.ng_address[1]}",
            "rtp_ports": [self.rtpengine.port_min, self.rtpengine.port_max],
            "dtmf_events": self.dtmf_setting or None,
            "trunks": [str(trunk) for trunk in self.kamailio.trunks],
            "voice_services": [str(service) for service in self.kamailio.voice_services],
            "sip_domain": self.kamailio.sip_domain,
        }

    def write_configs(self) -> Path:
        """Write kamailio.cfg, dispatcher.list and stack.json under the run directory."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "stack.json").write_text(json.dumps(self.addresses(), indent=2) + "\n")
        return write_kamailio_files(self.kamailio, self.run_dir)

    def start(self, *, timeout_s: float = 20.0) -> None:
        """Start rtpengine then Kamailio and wait until both answer; stop all on failure."""
        cfg_path = self.write_configs()
        try:
            self._spawn("rtpengine", rtpengine_command(self.rtpengine, self.run_dir))
            self._wait("rtpengine", lambda: rtpengine_ping(self.ng_address), timeout_s)
            self._spawn("kamailio", kamailio_command(cfg_path, self.run_dir))
            self._wait("kamailio", lambda: sip_options_ping(self.sip_address), timeout_s)
        except BaseException:
            self.stop()
            raise

    def stop(self, *, timeout_s: float = 5.0) -> None:
        """Stop every process this stack started, by PID: SIGTERM, then SIGKILL if it lingers."""
        for name in reversed(list(self.processes)):
            process = self.processes.pop(name)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=timeout_s)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=timeout_s)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def log_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.log"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, name: str, command: list[str]) -> None:
        log = self.log_path(name).open("ab")
        self._logs.append(log)
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )

    def _wait(self, name: str, ready: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise VoiceStackError(
                    f"{name} exited with status {process.returncode}; see {self.log_path(name)}"
                )
            if ready():
                return
            time.sleep(0.1)
        raise VoiceStackError(
            f"{name} did not answer within {timeout_s:.0f} s; see {self.log_path(name)}"
        )
