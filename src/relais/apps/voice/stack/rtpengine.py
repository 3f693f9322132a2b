"""rtpengine in userspace: its command line and a readiness check (the ng `ping`).

The voice service drives rtpengine over the ng protocol (bencode over UDP, `apps/voice/ng.py`);
the readiness check is that client's `ping`, sent once with a short timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relais.apps.voice.ng import NgClient, NgError

RTPENGINE = "rtpengine"


@dataclass(frozen=True)
class RtpengineConfig:
    """What one rtpengine daemon needs: where it listens and which ports its media may use."""

    ng_port: int
    port_min: int
    port_max: int
    interface: str = "127.0.0.1"
    ng_host: str = "127.0.0.1"
    # Seconds without RTP before a call is dropped: a dead caller's music must not play forever.
    media_timeout_s: int = 5
    # The same for a call on hold (silence is expected there).
    silent_timeout_s: int = 30
    log_level: int = 5
    # Where rtpengine sends each keypad press it sees (RFC 4733 events, JSON over UDP): the
    # voice service's `--dtmf` address. None: not sent (no call.dtmf, no keypad survey).
    dtmf_dest: tuple[str, int] | None = None

    @property
    def ng_address(self) -> tuple[str, int]:
        return (self.ng_host, self.ng_port)


def rtpengine_command(config: RtpengineConfig, run_dir: Path) -> list[str]:
    """The command line of a userspace rtpengine in the foreground, its log on stderr.

    `--table=-1` keeps it out of the kernel (no module to load, no root needed for media);
    `--config-file=none` ignores /etc/rtpengine/rtpengine.conf so only these options apply.
    """
    return [
        RTPENGINE,
        "--config-file=none",
        "--table=-1",
        "--foreground",
        "--log-stderr",
        f"--log-level={config.log_level}",
        f"--pidfile={run_dir / 'rtpengine.pid'}",
        f"--interface={config.interface}",
        f"--listen-ng={config.ng_host}:{config.ng_port}",
        f"--port-min={config.port_min}",
        f"--port-max={config.port_max}",
        f"--timeout={config.media_timeout_s}",
        f"--silent-timeout={config.silent_timeout_s}",
        "--delete-delay=0",
        "--num-threads=2",
        *_dtmf_option(config.dtmf_dest),
    ]


def _dtmf_option(dest: tuple[str, int] | None) -> list[str]:
    return [f"--dtmf-log-dest={dest[0]}:{dest[1]}"] if dest else []


def rtpengine_ping(address: tuple[str, int], *, timeout_s: float = 0.5) -> bool:
    """True when rtpengine answers an ng `ping` with `pong` at `address` (host, port)."""
    try:
        NgClient(address, timeout=timeout_s, retries=0).ping()
    except (NgError, OSError):
        return False
    return True
