"""`relais voicestack`: runs the stack with generated configs until interrupted, then stops it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from relais.apps.voice.stack.processes import sip_options_ping
from relais.apps.voice.stack.rtpengine import rtpengine_ping


def _wait_for(path: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while text not in (path.read_text() if path.exists() else ""):
        assert process.poll() is None, path.read_text()
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.2)


def test_voicestack_runs_until_interrupted(work_dir: Path, free_port) -> None:
    run_dir, output = work_dir / "voice", work_dir / "output.txt"
    arguments = ["--run-dir", str(run_dir), "--ng-port", str(free_port())]
    arguments += ["--voice-service", f"127.0.0.1:{free_port()}"]
    with output.open("wb") as out:
        command = subprocess.Popen(
            [sys.executable, "-m", "relais.cli", "voicestack", *arguments],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RELAIS_DATA_DIR": str(work_dir / "data")},
        )
    try:
        _wait_for(output, "Ctrl-C stops", command)
        addresses = json.loads((run_dir / "stack.json").read_text())
        sip_host, sip_port = addresses["sip"].split(":")
        ng_host, ng_port = addresses["rtpengine_ng"].split(":")
        assert sip_options_ping((sip_host, int(sip_port)))
        assert rtpengine_ping((ng_host, int(ng_port)))
        assert f"sip: {addresses['sip']}" in output.read_text()
        assert (run_dir / "prompts" / "fr" / "welcome.wav").exists()
    finally:
        os.kill(command.pid, signal.SIGINT)
        command.wait(timeout=30)

    assert not sip_options_ping((sip_host, int(sip_port)), timeout_s=0.2)
    assert not rtpengine_ping((ng_host, int(ng_port)), timeout_s=0.2)
