"""A poor man's sampling profiler (py-spy is not installed): every few milliseconds, the
stack of every thread of this process, counted per function (inclusive) and per leaf.

    with sampling("/tmp/profile.txt"):
        ...  # the report is written when the block ends

Threads that wait (selectors, locks, queues, sockets, psycopg waiting for PostgreSQL) are
counted too and stay visible by their leaf: that is how waiting shows against working.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType


def _name(frame: object) -> str:
    code = frame.f_code  # type: ignore[attr-defined]
    path = code.co_filename.split("site-packages/")[-1].split("/src/")[-1]
    return f"{path}:{code.co_name}"


@contextmanager
def sampling(path: str, every_s: float = 0.005) -> Iterator[None]:
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    by_thread: Counter[str] = Counter()
    stop = threading.Event()
    samples = 0

    def run() -> None:
        nonlocal samples
        names = {}
        dumped = time.perf_counter()
        while not stop.wait(every_s):
            samples += 1
            if time.perf_counter() - dumped > 5:  # a process killed keeps its last report
                dump()
                dumped = time.perf_counter()
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                if ident not in names:
                    names = {t.ident: t.name for t in threading.enumerate()}
                thread = names.get(ident, "?").split("_")[0].rstrip("-0123456789")
                stack = []
                current: FrameType | None = frame
                while current is not None:
                    stack.append(_name(current))
                    current = current.f_back
                leaves[f"{thread} | {stack[0]}"] += 1
                by_thread[thread] += 1
                for name in set(stack):
                    inclusive[name] += 1

    def dump() -> None:
        lines = [f"{samples} samples over {time.perf_counter() - began:.0f} s", "", "threads:"]
        lines += [f"{n:8d} {name}" for name, n in by_thread.most_common()]
        lines += ["", "leaves (thread | function):"]
        lines += [f"{n:8d} {name}" for name, n in leaves.most_common(60)]
        lines += ["", "inclusive:"]
        lines += [f"{n:8d} {name}" for name, n in inclusive.most_common(150)]
        Path(path).write_text("\n".join(lines) + "\n")

    thread = threading.Thread(target=run, name="sampler", daemon=True)
    began = time.perf_counter()
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        dump()
