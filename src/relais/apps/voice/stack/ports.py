"""Free ports chosen at run time: several engineers and test runs share one machine."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _bindable(port: int, host: str, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on `host` (SIP listens on both)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if _bindable(port, host, socket.SOCK_STREAM):
            return port
    raise OSError("no free port found")


#: Where the kernel takes a port for a socket bound to port 0 (Linux's default; the machine's
#: own is read from /proc/sys/net/ipv4/ip_local_port_range).
EPHEMERAL = (32768, 60999)
MEDIA_LOWEST = 10000


def ephemeral_ports() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return EPHEMERAL


def free_port_range(size: int, host: str = "127.0.0.1") -> tuple[int, int]:
    """A run of `size` consecutive free UDP ports (rtpengine's media range), first and last,
    outside the kernel's ephemeral range: `free_port` and every client socket take their ports
    there, and rtpengine binds its media ports one call at a time, so a port of a range that
    overlapped it could be bound twice, the later socket receiving the datagrams of the earlier
    one (a voice service's SIP going to rtpengine)."""
    rng = random.SystemRandom()
    low, high = ephemeral_ports()
    starts = [
        first
        for lowest, highest in ((MEDIA_LOWEST, low - 1), (high + 1, 65535))
        for first in range(lowest + lowest % 2, highest - size + 2, 2)
    ]
    if not starts:
        raise OSError(f"no run of {size} UDP ports outside the ephemeral range {low}-{high}")
    for _ in range(200):
        first = rng.choice(starts)  # RTP on even ports, RTCP on the odd next
        if all(_bindable(port, host, socket.SOCK_DGRAM) for port in range(first, first + size)):
            return first, first + size - 1
    raise OSError(f"no run of {size} free UDP ports found")
