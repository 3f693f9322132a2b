"""Running `relais voice`: the B2BUA on sippy's reactor in the main thread, active or standby.

On PostgreSQL every voice service takes a session advisory lock of its own key (one active,
the others standby, `realtime.leadership`). A standby answers OPTIONS and INVITE with 503,
so Kamailio's dispatcher sends calls to the active one. On taking over it restores the calls
still up from their records (`Call.dialog`), so a BYE from either side ends them normally;
rtpengine keeps their media throughout. On SQLite there is no lock: run one voice service.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger("relais.voice")

LOCK_KEY = 0x56_4F_49_43  # "VOIC"


@dataclass(frozen=True)
class VoiceOptions:
    sip: tuple[str, int]
    ng: tuple[str, int]
    proxy: tuple[str, int] | None
    music: str
    answer_delay_s: float
    sip_domain: str
    announce_s: float = 30.0
    dtmf: tuple[str, int] | None = None


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def optional_address(text: str) -> tuple[str, int] | None:
    """`address`, or None for an empty setting (that part is off)."""
    return address(text) if text else None


def prompt_finder(music: str) -> Callable[[str, str], str | None]:
    """`find(name, language)`: the file to play for a prompt (the stack's recorded or generated
    prompts, docs/voice.md "Stack"), or None when there is none; the music may be configured."""
    from relais.apps.voice.stack.prompts import MUSIC, prompt_path, write_music

    music_file = Path(music) if music else prompt_path(MUSIC, "en")
    if not music_file.exists():
        music_file.parent.mkdir(parents=True, exist_ok=True)
        write_music(music_file)

    def find(name: str, language: str) -> str | None:
        if name == MUSIC:
            return str(music_file)
        path = prompt_path(name, language)
        return str(path) if path.exists() else None

    return find


def run_voice(options: VoiceOptions) -> None:
    """Carries calls until SIGTERM or SIGINT."""
    from sippy.Core.EventDispatcher import ED2

    from relais.apps.realtime.leadership import Leadership
    from relais.apps.realtime.push import start_push_loop, stop_push_loop
    from relais.apps.voice import control
    from relais.apps.voice.b2bua.feed import FeedReader
    from relais.apps.voice.b2bua.server import B2bua
    from relais.apps.voice.ng import NgClient

    ED2.my_ident = threading.get_ident()  # the reactor runs in this thread
    leadership = Leadership(LOCK_KEY, role="voice")
    b2bua = B2bua(
        address=options.sip,
        ng=NgClient(options.ng),
        control=control,
        prompts=prompt_finder(options.music),
        feed=FeedReader(),
        proxy=options.proxy,
        sip_domain=options.sip_domain,
        answer_delay_s=options.answer_delay_s,
        announce_s=options.announce_s,
        active=False,
        dtmf=options.dtmf,
    )
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()
        ED2.breakLoop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    b2bua.start()
    logger.info("voice %s: SIP on %s:%s", os.getpid(), *options.sip)
    elect = threading.Thread(
        target=_elect, args=(leadership, b2bua, stop), name="relais-voice-lock", daemon=True
    )
    # the record jobs' pushes to the desktops leave on one loop and its Redis connection (not
    # a loop and a connection each, as from a thread without one)
    loop, thread = start_push_loop()
    elect.start()
    try:
        ED2.loop()
    finally:
        stop.set()
        b2bua.stop()
        leadership.release()
        stop_push_loop(loop, thread)


def _elect(leadership: Any, b2bua: Any, stop: threading.Event) -> None:
    """Standby until the lock is ours, then take over; back to standby if it is lost."""
    from sippy.Core.EventDispatcher import ED2

    if not leadership.needed:
        ED2.callFromThread(b2bua.take_over)
        while not stop.wait(1.0):
            leadership.beat_now("active")  # the health check's sign of life (apps/operations)
        return
    while not stop.is_set():
        if not leadership.acquire(stop):
            return
        ED2.callFromThread(b2bua.take_over)
        while not stop.is_set() and leadership.alive():
            leadership.beat_now("active")
            stop.wait(1.0)
        if not stop.is_set():
            logger.warning("voice %s: lost the lock; standby", os.getpid())
            ED2.callFromThread(b2bua.stand_by)
            leadership.release()
