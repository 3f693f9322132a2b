"""`relais serve --voice` (what `make demo` runs) on the SQLite default: Kamailio, rtpengine and
`relais voice` start beside the server, a call to a demo number is answered and recorded in the
same SQLite file, and stopping serve stops every one of them (docs/demo.md)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.voice.conftest import Sipp

pytestmark = pytest.mark.voice

FRENCH_NUMBER = "+33199000101"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(child) for child in text)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_for(condition: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


@pytest.fixture
def demo_env(work_dir: Path, free_port: Callable[[], int]) -> dict[str, str]:
    """A fresh demo on SQLite in the test's directory (migrated and loaded by `relais demo`)."""
    env = {
        **os.environ,
        "RELAIS_DATA_DIR": str(work_dir / "var"),
        "DATABASE_URL": f"sqlite:///{work_dir / 'var' / 'relais.sqlite3'}",
        "RELAIS_PORT": str(free_port()),
    }
    for name in ("REDIS_URL", "RELAIS_SIP_WS_URL", "RELAIS_VOICE_PROXY"):
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "-m", "relais.cli", "demo"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


@pytest.fixture
def serve(demo_env: dict[str, str], work_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (work_dir / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "relais.cli", "serve", "--voice", "--no-jobs", "--no-stats"],
        env=demo_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def test_serve_with_voice_runs_the_telephone_on_sqlite_and_stops_every_part(
    serve: subprocess.Popen[bytes], work_dir: Path, sipp: Sipp
) -> None:
    # given `relais serve --voice` on a fresh SQLite demo
    log = work_dir / "serve.log"
    started = _wait_for(lambda: "Voice: softphone" in log.read_text(), 120)
    assert started, log.read_text()
    text = log.read_text()
    assert f"Voice: call {FRENCH_NUMBER} (fr), +33199000102 (en)" in text
    addresses = json.loads((work_dir / "var" / "voice" / "stack.json").read_text())
    assert f"Voice: softphone WebSocket {addresses['ws']}" in text
    children = _children(serve.pid)
    names = {Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] for pid in children}
    assert {b"rtpengine", b"kamailio", sys.executable.encode()} <= names, names

    # when the operator calls the French number through Kamailio, and hangs up after 2 s
    host, port = addresses["sip"].split(":")
    result = sipp.run(
        "caller.xml",
        remote=(host, int(port)),
        service=FRENCH_NUMBER,
        keys={"domain": host},
        duration_ms=2000,
        timeout_s=30,
    )

    # then the voice service answered it and wrote the call in the same SQLite file
    assert (result.successful, result.failed) == (1, 0), (
        work_dir / "var" / "voice" / "voice.log"
    ).read_text()
    database = sqlite3.connect(work_dir / "var" / "relais.sqlite3", timeout=20)
    ended = _wait_for(
        lambda: database.execute(
            "select c.state, c.ended_by, n.number from voice_call c"
            " join voice_number n on n.id = c.number_id where c.state = 'ended'"
        ).fetchall(),
        20,
    )
    database.close()
    assert ended == [("ended", "caller", FRENCH_NUMBER)]

    # and stopping serve (SIGTERM) stops the voice service, Kamailio and rtpengine
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(60) == 0
    left = [pid for pid in children if _alive(pid)]
    assert left == [], left
