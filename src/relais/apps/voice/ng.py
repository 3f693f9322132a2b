"""rtpengine's `ng` control protocol: bencoded dictionaries over UDP (docs/voice.md, Call control).

Each request is `<cookie> <bencoded dict>`; rtpengine answers `<cookie> <bencoded dict>` with
`result` = `ok`, `pong` or `error` (then `error-reason`). A request that gets no answer within
`timeout` is sent again with the same cookie (rtpengine answers a repeated cookie from its cache,
so a retried `offer` does not allocate twice), `retries` times, then `NgTimeout` is raised.

The client is thread-safe: each thread has its own socket (kept for its next requests), so
threads never read each other's answers; an answer that comes too late for its request is told
from the next one's by the cookie, and dropped. It imports nothing from Django: the B2BUA's
reactor thread may call it.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

Bencodable = bytes | str | int | list[Any] | dict[str, Any]


class BencodeError(ValueError):
    """The bytes are not a valid bencoded value."""


def bencode(value: Bencodable) -> bytes:
    """Encodes strings (UTF-8), bytes, integers, lists and dictionaries (keys sorted)."""
    parts: list[bytes] = []
    _encode(value, parts)
    return b"".join(parts)


def _encode(value: Any, parts: list[bytes]) -> None:
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans; use 0/1 or a flag string")
    if isinstance(value, int):
        parts.append(b"i%de" % value)
    elif isinstance(value, str):
        _encode(value.encode("utf-8"), parts)
    elif isinstance(value, bytes | bytearray):
        parts.append(b"%d:" % len(value))
        parts.append(bytes(value))
    elif isinstance(value, list | tuple):
        parts.append(b"l")
        for item in value:
            _encode(item, parts)
        parts.append(b"e")
    elif isinstance(value, dict):
        parts.append(b"d")
        keys = {(k.encode("utf-8") if isinstance(k, str) else k): v for k, v in value.items()}
        for key in sorted(keys):
            _encode(key, parts)
            _encode(keys[key], parts)
        parts.append(b"e")
    else:
        raise TypeError(f"cannot bencode {type(value).__name__}")


def bdecode(data: bytes) -> Any:
    """Decodes one bencoded value; strings come back as `str` (UTF-8, else `bytes`)."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise BencodeError(f"trailing bytes at {end}")
    return value


_I, _L, _D, _E = b"ilde"  # the bytes that lead an integer, a list, a dictionary; the end


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """One value from `at`; indexes bytes as integers (no slice per byte: `query` answers run
    to kilobytes, read for every talking call every second)."""
    if at >= len(data):
        raise BencodeError("truncated")
    lead = data[at]
    if lead == _I:
        end = data.find(b"e", at)
        if end < 0:
            raise BencodeError("unterminated integer")
        text = data[at + 1 : end]
        if not text or not text.lstrip(b"-").isdigit():
            raise BencodeError(f"bad integer {text!r}")
        return int(text), end + 1
    if lead == _L:
        items, at = [], at + 1
        while at < len(data) and data[at] != _E:
            item, at = _decode(data, at)
            items.append(item)
        if at >= len(data):
            raise BencodeError("truncated")
        return items, at + 1
    if lead == _D:
        entries, at = {}, at + 1
        while at < len(data) and data[at] != _E:
            if not 0x30 <= data[at] <= 0x39:
                raise BencodeError("dictionary key is not a string")
            key, at = _decode(data, at)
            entries[key], at = _decode(data, at)
        if at >= len(data):
            raise BencodeError("truncated")
        return entries, at + 1
    if 0x30 <= lead <= 0x39:
        colon = data.find(b":", at)
        if colon < 0 or not data[at:colon].isdigit():
            raise BencodeError("bad string length")
        start = colon + 1
        end = start + int(data[at:colon])
        if end > len(data):
            raise BencodeError("truncated string")
        raw = data[start:end]
        try:
            return raw.decode("utf-8"), end
        except UnicodeDecodeError:
            return raw, end
    raise BencodeError(f"unexpected byte {bytes([lead])!r} at {at}")


class NgError(Exception):
    """rtpengine answered `result: error` (or something that is not an answer)."""

    def __init__(self, command: str, reason: str) -> None:
        self.command = command
        self.reason = reason
        super().__init__(f"rtpengine {command}: {reason}")


class NgTimeout(NgError):
    """No answer after every retry."""


@dataclass(frozen=True)
class SdpResult:
    """What `offer` and `answer` return: the rewritten SDP for the other side."""

    sdp: str


@dataclass(frozen=True)
class LegStats:
    """One side (tag) of a call as `query` reports it: packets rtpengine received from it."""

    tag: str
    packets: int
    last_packet: int  # unix time of the last packet received on any of its streams (0: never)


@dataclass(frozen=True)
class CallStats:
    created: int
    last_signal: int
    legs: dict[str, LegStats] = field(default_factory=dict)


class NgClient:
    """Talks `ng` to one rtpengine at `address` (host, port)."""

    def __init__(self, address: tuple[str, int], *, timeout: float = 0.5, retries: int = 3) -> None:
        self.address = address
        self.timeout = timeout
        self.retries = retries
        self._local = threading.local()

    def request(self, command: str, **params: Any) -> dict[str, Any]:
        """Sends one command; returns the answer's dictionary or raises `NgError`/`NgTimeout`."""
        message = {"command": command} | {k.replace("_", "-"): v for k, v in params.items()}
        cookie = secrets.token_hex(8).encode("ascii")
        packet = cookie + b" " + bencode(message)
        sock = self._socket()
        for _attempt in range(self.retries + 1):
            try:
                sock.send(packet)
            except ConnectionRefusedError:  # an earlier datagram's ICMP: rtpengine was down
                with contextlib.suppress(ConnectionRefusedError):  # still down: retried, timed out
                    sock.send(packet)
            deadline = time.monotonic() + self.timeout
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data = sock.recv(65535)
                except TimeoutError:
                    break
                except ConnectionRefusedError:
                    time.sleep(min(left, 0.05))
                    break
                got, _, body = data.partition(b" ")
                if got == cookie:
                    return self._result(command, body)
        raise NgTimeout(command, f"no answer from {self.address[0]}:{self.address[1]}")

    def _socket(self) -> socket.socket:
        """This thread's socket to rtpengine (a socket and its connect per request cost more
        than the request: the media watch asks for every talking call every second)."""
        sock: socket.socket | None = getattr(self._local, "socket", None)
        if sock is None:
            family = socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_DGRAM)
            sock.connect(self.address)
            self._local.socket = sock
        return sock

    @staticmethod
    def _result(command: str, body: bytes) -> dict[str, Any]:
        try:
            answer = bdecode(body)
        except BencodeError as error:
            raise NgError(command, f"unreadable answer: {error}") from error
        if not isinstance(answer, dict):
            raise NgError(command, "the answer is not a dictionary")
        if answer.get("result") == "error":
            raise NgError(command, str(answer.get("error-reason", "unknown error")))
        return answer

    # The commands --------------------------------------------------------------------------

    def ping(self) -> None:
        answer = self.request("ping")
        if answer.get("result") != "pong":
            raise NgError("ping", f"unexpected result {answer.get('result')!r}")

    def offer(self, *, call_id: str, from_tag: str, sdp: str, **options: Any) -> SdpResult:
        answer = self.request("offer", call_id=call_id, from_tag=from_tag, sdp=sdp, **options)
        return SdpResult(sdp=_text(answer["sdp"]))

    def answer(
        self, *, call_id: str, from_tag: str, to_tag: str, sdp: str, **options: Any
    ) -> SdpResult:
        answer = self.request(
            "answer", call_id=call_id, from_tag=from_tag, to_tag=to_tag, sdp=sdp, **options
        )
        return SdpResult(sdp=_text(answer["sdp"]))

    def delete(
        self, *, call_id: str, from_tag: str | None = None, to_tag: str | None = None
    ) -> None:
        params: dict[str, Any] = {"call_id": call_id}
        if from_tag:
            params["from_tag"] = from_tag
        if to_tag:
            params["to_tag"] = to_tag
        params["delete_delay"] = 0
        self.request("delete", **params)

    def query(self, *, call_id: str) -> CallStats:
        answer = self.request("query", call_id=call_id)
        legs = {}
        for tag, leg in (answer.get("tags") or {}).items():
            packets = last = 0
            for media in leg.get("medias") or []:
                for stream in media.get("streams") or []:
                    stats = stream.get("stats") or {}
                    packets += int(stats.get("packets", 0))
                    last = max(last, int(stream.get("last packet", 0)))
            legs[str(tag)] = LegStats(tag=str(tag), packets=packets, last_packet=last)
        return CallStats(
            created=int(answer.get("created", 0)),
            last_signal=int(answer.get("last signal", 0)),
            legs=legs,
        )

    def play_media(
        self, *, call_id: str, from_tag: str, file: str, repeat_times: int | None = None
    ) -> int:
        """Plays a WAV file to the party `from_tag` instead of its peer; returns its ms."""
        params: dict[str, Any] = {"call_id": call_id, "from_tag": from_tag, "file": file}
        if repeat_times is not None:
            params["repeat_times"] = repeat_times
        answer = self.request("play media", **params)
        return int(answer.get("duration", 0))

    def stop_media(self, *, call_id: str, from_tag: str) -> None:
        self.request("stop media", call_id=call_id, from_tag=from_tag)

    def block_media(self, *, call_id: str, from_tag: str) -> None:
        self.request("block media", call_id=call_id, from_tag=from_tag)

    def unblock_media(self, *, call_id: str, from_tag: str) -> None:
        self.request("unblock media", call_id=call_id, from_tag=from_tag)


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "replace")
