"""The audit chain's key: kept outside the database, so whoever can rewrite the rows cannot
compute the digests again (docs/security.md, "Audit log").

`RELAIS_AUDIT_KEY` when set; else the file `audit_key` in the data directory
(`settings.AUDIT_KEY_FILE`), created at random on first use with mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

_cache: dict[tuple[str, str], bytes] = {}


def audit_key() -> bytes:
    """The key the chain's digests are signed with (read once per process and setting)."""
    configured = str(getattr(settings, "AUDIT_KEY", "") or "").strip()
    path = Path(settings.AUDIT_KEY_FILE)
    cached = _cache.get((configured, str(path)))
    if cached is not None:
        return cached
    key = configured.encode() if configured else _key_file_read_or_create(path)
    _cache[(configured, str(path))] = key
    return key


def _key_file_read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"The audit key file {path} is empty (docs/security.md)")
    return key.encode()
