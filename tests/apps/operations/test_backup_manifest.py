"""`relais restore --from DIR` given a directory whose manifest is broken: one clear error
naming the line, never a traceback (a manifest is JSON: read whole or refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

GOOD = {"taken_at": "2026-12-07T08:00:00+00:00", "database": "sqlite", "rows": {}, "roots": []}


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        (b'{\n  "database": "sqlite",\n  "rows": {,\n}', r"(line|ligne) 3, (column|colonne) 12"),
        ('{"database": "sqlite", "note": "é"}'.encode("latin-1"), r"(line|ligne) 1\b"),
        (b"", r"(line|ligne) 1, (column|colonne) 1"),
        (b'["files"]', "(files|fichiers)"),
        (json.dumps({**GOOD, "files": ["db.sqlite3"]}).encode(), "(files|fichiers)"),
        (json.dumps({**GOOD, "files": {"db.sqlite3": "ab12"}}).encode(), "db.sqlite3"),
    ],
)
def test_a_broken_manifest_is_one_clear_error(tmp_path: Path, manifest: bytes, said: str) -> None:
    (tmp_path / "manifest.json").write_bytes(manifest)

    with pytest.raises(CommandError, match=said):
        call_command("restore", "--from", str(tmp_path))
