"""Keypad presses as rtpengine reports them (`--dtmf-log-dest`: one JSON datagram per press,
at its end: `callid`, `source_tag`, `event`, `duration`…), heard on a thread of their own and
handed to the reactor (`deliver(call_id, source_tag, key)`).

Only the active voice service listens (`start` on taking over, `stop` on standing by): the port
is one, and the standby binds it when it takes over (the old active's socket closed with it).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable

from relais.apps.voice.keypad import key_of

logger = logging.getLogger("relais.voice")

BIND_RETRY_S = 1.0
MAX_DATAGRAM = 4096


def key_press(datagram: bytes) -> tuple[str, str, str] | None:
    """(call_id, source_tag, key) from one of rtpengine's DTMF datagrams; None for anything
    else (another event type, a tone that is no key, garbage)."""
    try:
        event = json.loads(datagram)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(event, dict) or event.get("type", "DTMF") != "DTMF":
        return None
    call_id, tag, number = event.get("callid"), event.get("source_tag"), event.get("event")
    if not isinstance(call_id, str) or not isinstance(tag, str) or not isinstance(number, int):
        return None
    key = key_of(number)
    return (call_id, tag, key) if key is not None else None


class KeyListener:
    """The UDP socket rtpengine's presses arrive on, read by a daemon thread."""

    def __init__(self, address: tuple[str, int], deliver: Callable[[str, str, str], None]) -> None:
        self.address = address
        self.deliver = deliver
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="relais-voice-keys", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def _bound(self) -> socket.socket | None:
        """The socket, bound once the port is free (a former active may still hold it)."""
        warned = False
        while not self._stop.is_set():
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind(self.address)
            except OSError as error:
                sock.close()
                if not warned:
                    logger.warning("voice: keypad events port %s:%s: %s", *self.address, error)
                    warned = True
                self._stop.wait(BIND_RETRY_S)
                continue
            sock.settimeout(0.5)
            return sock
        return None

    def _run(self) -> None:
        sock = self._bound()
        if sock is None:
            return
        with sock:
            while not self._stop.is_set():
                try:
                    datagram = sock.recv(MAX_DATAGRAM)
                except TimeoutError:
                    continue
                except OSError:
                    return
                press = key_press(datagram)
                if press is not None:
                    self.deliver(*press)
