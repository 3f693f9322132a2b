"""Starting rtpengine for the B2BUA's tests until vstack's `voice_stack` fixture is merged."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relais.apps.voice.ng import NgClient, NgError


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_range(size: int = 200) -> tuple[int, int]:
    """A block of UDP ports that are free now (rtpengine's media ports)."""
    for _ in range(50):
        low = random.randrange(20000, 60000 - size, 2)
        try:
            socks = []
            for port in range(low, low + size, 17):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
        return low, low + size - 1
    raise RuntimeError("no free port range")


@contextmanager
def rtpengine(workdir: Path) -> Iterator[NgClient]:
    """A userspace rtpengine on 127.0.0.1 with its ng port and media ports chosen free."""
    binary = shutil.which("rtpengine")
    if binary is None:
        raise RuntimeError("rtpengine is not installed (Debian: rtpengine-daemon)")
    ng_port = free_udp_port()
    low, high = free_port_range()
    log = (workdir / "rtpengine.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            "--table=-1",
            "--foreground",
            "--log-stderr",
            "--log-level=6",
            "--interface=127.0.0.1",
            f"--listen-ng=127.0.0.1:{ng_port}",
            f"--port-min={low}",
            f"--port-max={high}",
            "--timeout=20",
            "--delete-delay=0",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client = NgClient(("127.0.0.1", ng_port), timeout=0.3, retries=2)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except NgError:
                if process.poll() is not None:
                    raise RuntimeError((workdir / "rtpengine.log").read_text()) from None
                time.sleep(0.05)
        yield client
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
