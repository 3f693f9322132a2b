"""The voice service's record worker: a lane runs urgent jobs first, background ones last,
each kind in the order given."""

from __future__ import annotations

import threading

from relais.apps.voice.b2bua.record import RecordWorker


def test_a_lane_runs_urgent_jobs_first_and_background_jobs_last() -> None:
    ran: list[str] = []
    release, finished = threading.Event(), threading.Event()
    worker = RecordWorker(deliver=lambda done, *args: done(*args), feed=None, lanes=1)
    worker.start()
    try:
        worker.submit(lambda: release.wait(10), lane="call-1")  # the lane is busy meanwhile
        worker.submit(lambda: ran.append("dialog 1"), lane="call-1", background=True)
        worker.submit(lambda: ran.append("ringing"), lane="call-1")
        worker.submit(lambda: ran.append("arrived"), lane="call-2", urgent=True)
        worker.submit(lambda: ran.append("dialog 2"), lane="call-1", background=True)
        worker.submit(lambda: ran.append("ended"), lane="call-1")
        worker.submit(lambda: finished.set(), lane="call-1", background=True)
        release.set()
        assert finished.wait(10)
    finally:
        worker.stop()
    assert ran == ["arrived", "ringing", "ended", "dialog 1", "dialog 2"]
