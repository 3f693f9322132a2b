"""Benchmarks: `uv run python -m bench.<name>`; each prints a table and, last, one JSON line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

#: The benchmarks' servers: every simulated customer comes from 127.0.0.1, so the limits on
#: anonymous chat traffic per address (docs/security.md) are off there.
NO_CHAT_LIMITS = {
    "RELAIS_CHAT_CONNECTIONS_PER_MIN": "0",
    "RELAIS_CHAT_MESSAGES_PER_10S": "0",
    "RELAIS_CHAT_IP_MESSAGES_PER_10S": "0",
}


def emit(figures: dict[str, Any]) -> None:
    """Print the benchmark's figures as the very last line, one JSON object."""
    sys.stdout.flush()
    print(json.dumps(figures, sort_keys=False, default=float), flush=True)


def require_data(path: str | Path) -> Path:
    """Return the data file, or exit with a clear message when it is absent."""
    resolved = Path(path).expanduser()
    if not resolved.is_file():
        print(f"data file not found: {resolved} (see ../shared/data/README.md)", file=sys.stderr)
        raise SystemExit(2)
    return resolved


def row(*cells: object, widths: tuple[int, ...] = ()) -> None:
    """Print one row of a human-readable table."""
    parts = []
    for index, cell in enumerate(cells):
        width = widths[index] if index < len(widths) else 14
        text = f"{cell:.4g}" if isinstance(cell, float) else str(cell)
        parts.append(text.rjust(width) if index else text.ljust(width))
    print(" ".join(parts), flush=True)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as elapsed:` then `elapsed[0]` holds seconds."""
    holder = [0.0]
    start = time.perf_counter()
    try:
        yield holder
    finally:
        holder[0] = time.perf_counter() - start
