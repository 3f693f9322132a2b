"""Fixtures for every test."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _audit_files(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own audit key and anchor file (docs/security.md, "Audit log"), never the
    data directory's."""
    folder = tmp_path_factory.mktemp("audit")
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = folder / "audit_key"
    settings.AUDIT_ANCHOR_FILE = folder / "audit_anchors.jsonl"
