"""The chain's anchors: its length and last digest, written outside the database (an
append-only file in the data directory, and a log line), so that deleting the last entries,
or writing the whole chain again, no longer matches what was anchored (docs/security.md)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("relais.audit")


@dataclass(frozen=True)
class Anchor:
    at: str
    entries: int
    last_id: int
    digest: str
    #: the last entry written before the chain was keyed (None: there was none)
    unkeyed_last_id: int | None


def anchors_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def anchors_read() -> list[Anchor]:
    """Every anchor written, oldest first (none when the file does not exist)."""
    path = anchors_path()
    if not path.exists():
        return []
    anchors = []
    for line in path.read_text().splitlines():
        if line.strip():
            anchors.append(Anchor(**json.loads(line)))
    return anchors


def anchor_append(anchor: Anchor) -> None:
    """Add one line to the file (created with mode 0600) and say it in the log."""
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a") as anchors_file:
        anchors_file.write(json.dumps(asdict(anchor), sort_keys=True) + "\n")
    logger.info(
        "audit anchor: %d entries, last #%d, digest %s",
        anchor.entries,
        anchor.last_id,
        anchor.digest,
    )
