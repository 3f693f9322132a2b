"""Free ports chosen at run time: several engineers and test runs share one machine."""

from __future__ import annotations

import random
import socket


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


def free_port_range(size: int, host: str = "127.0.0.1") -> tuple[int, int]:
    """A run of `size` consecutive free UDP ports (rtpengine's media range), first and last."""
    rng = random.SystemRandom()
    for _ in range(200):
        first = rng.randrange(20000, 60000 - size, 2)  # RTP on even ports, RTCP on the odd next
        if all(_bindable(port, host, socket.SOCK_DGRAM) for port in range(first, first + size)):
            return first, first + size - 1
    raise OSError(f"no run of {size} free UDP ports found")
