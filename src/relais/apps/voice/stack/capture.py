"""Counting RTP on the loopback: dumpcap writes the UDP packets between two ports of a range,
tshark reads them back as (source port, destination port) pairs. The voice tests
(`rtp_capture`) and bench.voice_load use it: SIPp 3.6.1 does not count the RTP it receives."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass
class RtpCapture:
    """UDP packets on the loopback between two ports of a range, captured by dumpcap."""

    path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, port_min: int, port_max: int) -> RtpCapture:
        stderr = self.path.with_suffix(".log")
        with stderr.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [  # noqa: S607 - the Debian package's dumpcap on PATH
                    "dumpcap",
                    "-q",
                    "-i",
                    "lo",
                    "-s",  # headers only: the ports are all it reads back
                    "64",
                    "-f",
                    f"udp portrange {port_min}-{port_max}",
                    "-w",
                    str(self.path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 10
        while "File:" not in stderr.read_text(errors="replace"):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"dumpcap did not start: {stderr.read_text()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def flows(self) -> Counter[tuple[int, int]]:
        """Packets per (source port, destination port)."""
        self.stop()
        output = subprocess.run(  # noqa: S603 - our own command line
            [  # noqa: S607 - the Debian package's tshark on PATH
                "tshark",
                "-r",
                str(self.path),
                "-T",
                "fields",
                "-e",
                "udp.srcport",
                "-e",
                "udp.dstport",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return Counter(
            (int(source), int(destination))
            for source, destination in (line.split("\t") for line in output.splitlines() if line)
        )

    def received_by(self, port: int) -> int:
        return sum(count for (_, destination), count in self.flows().items() if destination == port)

    def sent_by(self, port: int) -> int:
        return sum(count for (source, _), count in self.flows().items() if source == port)
