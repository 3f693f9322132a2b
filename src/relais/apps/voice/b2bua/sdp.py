"""The little the B2BUA reads in an SDP body: is it usable, which direction, hold or not."""

from __future__ import annotations

import re

_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def sdp_is_usable(text: str) -> bool:
    """An offer the B2BUA can hand to rtpengine: a version, a connection and an audio stream."""
    lines = [line.strip() for line in text.splitlines()]
    if not lines or lines[0] != "v=0":
        return False
    audio = [line for line in lines if line.startswith("m=audio ")]
    if not audio or not any(line.startswith("c=IN IP") for line in lines):
        return False
    parts = audio[0].split()
    return len(parts) >= 4 and parts[1].isdigit() and 0 <= int(parts[1]) < 65536


def sdp_direction(text: str) -> str:
    """The audio stream's direction; a connection address of 0.0.0.0 is the old way to hold."""
    direction = "sendrecv"
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("a=") and line[2:] in _DIRECTIONS:
            direction = line[2:]
        if line.startswith("c=IN IP4 0.0.0.0"):
            return "inactive"
    return direction


def sdp_is_hold(text: str) -> bool:
    return sdp_direction(text) in ("sendonly", "inactive")


def sdp_with_port(text: str, port: int) -> str:
    """The same SDP with its audio stream moved to `port` (the queue's placeholder peer)."""
    return re.sub(r"^m=audio \d+", f"m=audio {port}", text, count=1, flags=re.MULTILINE)
