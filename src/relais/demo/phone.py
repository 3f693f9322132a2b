"""The demo's telephone: Kamailio, rtpengine and `relais voice` beside `relais serve`.

`relais serve --voice` (what `make demo` runs) starts the voice stack on ports free right now
(configs, logs and prompts under `var/voice/`), then the voice service as a child process, and
points every process at the same addresses through the environment: the voice service's SIP
address (Kamailio's dispatcher sends it the calls), Kamailio's SIP address (the voice service's
proxy to the agents' browsers), Kamailio's WebSocket (the desktop's softphone) and rtpengine's
`ng` port. Every process is stopped by its PID when serve stops. Without the Debian packages
the demo runs chat-only and says, in one line, what to install (`voice_stack_missing`).

On SQLite the voice service is a second process writing the same file: the settings open it in
WAL mode with a 20 s busy timeout, which the router and the web server share already.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from relais.apps.voice.stack.kamailio import KamailioConfig, SipAddress
from relais.apps.voice.stack.ports import free_port, free_port_range
from relais.apps.voice.stack.processes import VoiceStack, sip_options_ping, voice_stack_missing
from relais.apps.voice.stack.prompts import generate_prompts
from relais.apps.voice.stack.rtpengine import RtpengineConfig
from relais.demo.voice import NUMBERS

HOST = "127.0.0.1"
MEDIA_PORTS = 400  # 100 calls at 4 ports (RTP and RTCP of two sides)


@dataclass
class DemoPhone:
    """The running voice stack and voice service of a demo, and the settings they share."""

    stack: VoiceStack
    voice_sip: tuple[str, int]
    voice: subprocess.Popen[bytes] | None = None
    _log: object | None = field(default=None, repr=False)

    @classmethod
    def on_free_ports(cls, run_dir: Path, *, sip_domain: str, sip_secret: str) -> DemoPhone:
        voice_sip = (HOST, free_port(HOST))
        port_min, port_max = free_port_range(MEDIA_PORTS, HOST)
        stack = VoiceStack(
            run_dir=run_dir,
            kamailio=KamailioConfig(
                sip_domain=sip_domain,
                sip_secret=sip_secret,
                sip_host=HOST,
                sip_port=free_port(HOST),
                ws_host=HOST,
                ws_port=free_port(HOST),
                trunks=(SipAddress(HOST),),  # the traffic generator's SIPp, any port
                voice_services=(SipAddress(*voice_sip),),
            ),
            rtpengine=RtpengineConfig(
                ng_port=free_port(HOST),
                port_min=port_min,
                port_max=port_max,
                ng_host=HOST,
                dtmf_dest=(HOST, free_port(HOST)),  # keys pressed: the survey after a call
            ),
        )
        return cls(stack=stack, voice_sip=voice_sip)

    def environment(self) -> dict[str, str]:
        """The settings every process of the demo reads (docs/voice.md)."""
        sip_host, sip_port = self.stack.sip_address
        ng_host, ng_port = self.stack.ng_address
        return {
            "RELAIS_SIP_WS_URL": self.stack.ws_url,
            "RELAIS_VOICE_PROXY": f"{sip_host}:{sip_port}",
            "RELAIS_VOICE_SIP_ADDRESS": f"{self.voice_sip[0]}:{self.voice_sip[1]}",
            "RELAIS_VOICE_NG_ADDRESS": f"{ng_host}:{ng_port}",
            "RELAIS_VOICE_DTMF_ADDRESS": self.stack.dtmf_setting,
            "RELAIS_VOICE_TRUNK": f"{sip_host}:{sip_port}",  # where the demo's calls go in
        }

    def start(self, *, timeout_s: float = 30.0) -> dict[str, str]:
        """Prompts, `relais voice`, then the stack; returns the environment they share (also
        set in this process's environment, so children started later inherit it)."""
        generate_prompts(self.stack.run_dir / "prompts")
        env = self.environment()
        os.environ.update(env)
        # The voice service first: Kamailio's dispatcher probes it as it starts, and one that
        # did not answer yet stays out of the set until the next probe.
        self.stack.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            log = (self.stack.run_dir / "voice.log").open("ab")
            self._log = log
            self.voice = subprocess.Popen(
                [sys.executable, "-m", "relais.cli", "voice"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
            )
            self._wait_voice(timeout_s)
            self.stack.start()
        except BaseException:
            self.stop()
            raise
        return env

    def _wait_voice(self, timeout_s: float) -> None:
        """The voice service answers OPTIONS with 200 once it is active."""
        deadline = time.monotonic() + timeout_s
        voice = self.voice
        while voice is not None and time.monotonic() < deadline:
            if voice.poll() is not None:
                raise RuntimeError(
                    f"relais voice exited ({voice.returncode}); "
                    f"see {self.stack.run_dir / 'voice.log'}"
                )
            if sip_options_ping(self.voice_sip):
                return
            time.sleep(0.2)
        raise RuntimeError(f"relais voice did not answer; see {self.stack.run_dir / 'voice.log'}")

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """The voice service, then the stack (Kamailio, rtpengine), each by its PID."""
        if self.voice is not None and self.voice.poll() is None:
            os.kill(self.voice.pid, signal.SIGTERM)
            try:
                self.voice.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.kill(self.voice.pid, signal.SIGKILL)
                self.voice.wait()
        self.stack.stop()
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]
            self._log = None

    def pids(self) -> list[int]:
        pids = [process.pid for process in self.stack.processes.values()]
        return pids + ([self.voice.pid] if self.voice is not None else [])

    def start_lines(self) -> list[str]:
        """What the demo prints when its telephone is up."""
        numbers = ", ".join(f"{data.number} ({data.language})" for data in NUMBERS)
        sip_host, sip_port = self.stack.sip_address
        return [
            f"Voice: call {numbers} at sip:<number>@{sip_host}:{sip_port} (the trunk)",
            f"Voice: softphone WebSocket {self.stack.ws_url}; logs under {self.stack.run_dir}",
        ]


def demo_phone_start(run_dir: Path) -> DemoPhone | None:
    """The demo's telephone, or None (and the one line saying what to install) without the
    Debian packages."""
    missing = voice_stack_missing()
    if missing:
        print(f"Voice: off ({missing})", flush=True)
        return None
    from django.conf import settings

    phone = DemoPhone.on_free_ports(
        run_dir, sip_domain=settings.SIP_DOMAIN, sip_secret=settings.SIP_SECRET
    )
    try:
        env = phone.start()
    except (RuntimeError, OSError) as error:  # VoiceStackError too; every part stopped
        print(f"Voice: off ({error})", flush=True)
        return None
    settings.SIP_WS_URL = env["RELAIS_SIP_WS_URL"]  # this process serves the desktop
    settings.VOICE_PROXY = env["RELAIS_VOICE_PROXY"]
    for line in phone.start_lines():
        print(line, flush=True)
    return phone
