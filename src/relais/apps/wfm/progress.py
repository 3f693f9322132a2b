"""A progress bar on stderr for long planning runs (plain Python, no package).

The solver and the forecaster do not report their progress, so the bar advances with the
time spent against the run's budget (the solver's time limit) and jumps to 100 % at the end.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, budget_s: float, stream: TextIO | None = None) -> None:
        self.label = label
        self.budget_s = max(budget_s, 0.1)
        self.stream = stream or sys.stderr
        self._began = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def render(self, fraction: float) -> str:
        fraction = min(max(fraction, 0.0), 1.0)
        done = round(WIDTH * fraction)
        elapsed = time.monotonic() - self._began
        bar = "#" * done + "-" * (WIDTH - done)
        return f"\r{self.label} [{bar}] {fraction:4.0%} {elapsed:5.1f} s"

    def _tick(self) -> None:
        if not self.stream.isatty():  # a log file gets the start and the end only
            return
        while not self._stop.wait(0.5):
            elapsed = time.monotonic() - self._began
            self._write(self.render(min(0.99, elapsed / self.budget_s)))

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        self._began = time.monotonic()
        self._write(self.render(0.0))
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        if kind is None:
            self._write(self.render(1.0))
        self._write("\n")
