"""`relais backup` and `relais restore` (docs/production.md, "Backups").

A backup is a directory:

- `database.dump` (PostgreSQL: `pg_dump --format=custom`, one consistent snapshot) or
  `database.sqlite3` (SQLite: the online backup API, while the server runs);
- `files.tar.gz`: the data directory's files the database points to: e-mail attachments
  (`RELAIS_MAIL_DIR`) and recorded voice prompts (`RELAIS_VOICE_PROMPTS_DIR`, when set);
- `manifest.json`: when, from which database, the number of rows of the tables that matter,
  and each file's SHA-256.

The database is dumped first and the files second: an attachment is written before the row
that names it commits, so every file the dump names is in the archive. Restoring goes into an
empty database and directories; the audit chain is then verified (apps/audit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext

from relais.apps.audit.services import audit_verify_chain
from relais.core.importing import UnreadableInput, utf8_text

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"

#: The models whose rows a restore must find again, counted at backup and after restore.
COUNTED_MODELS = (
    "interactions.Contact",
    "interactions.ContactEvent",
    "chat.ChatMessage",
    "email.MailMessage",
    "email.MailAttachment",
    "audit.AuditEntry",
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class FileRoot:
    """A directory of the data directory's files, and its name inside the archive."""

    name: str
    path: Path


def file_roots() -> list[FileRoot]:
    roots = [FileRoot("mail", Path(settings.MAIL_DIR))]
    if settings.VOICE_PROMPTS_DIR is not None:
        roots.append(FileRoot("prompts", Path(settings.VOICE_PROMPTS_DIR)))
    return roots


def table_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED_MODELS}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database (no password on a command line)."""
    database = connection.settings_dict
    values = {
        "PGHOST": database.get("HOST") or database.get("OPTIONS", {}).get("host") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            gettext("%(command)s is not installed (Debian: postgresql-client)")
            % {"command": command[0]}
        )
    done = subprocess.run(  # noqa: S603 - fixed commands, our own arguments
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            gettext("%(command)s failed: %(error)s")
            % {"command": command[0], "error": done.stderr.strip()}
        )


def backup_write(target: Path) -> dict[str, Any]:
    """Back up the database, then the files, into the new directory `target`; returns the
    manifest (also written as `manifest.json`)."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(gettext("%(path)s is not empty") % {"path": target})
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    counts = table_counts()
    if connection.vendor == "postgresql":
        database_file = target / PG_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database_file}"])
    elif connection.vendor == "sqlite":
        database_file = target / SQLITE_COPY
        connection.ensure_connection()
        copy = sqlite3.connect(database_file)
        try:
            connection.connection.backup(copy)  # the online backup API: a consistent copy
        finally:
            copy.close()
    else:
        raise BackupError(
            gettext("No backup for the %(vendor)s database.") % {"vendor": connection.vendor}
        )
    archive = target / FILES
    with tarfile.open(archive, "w:gz") as tar:
        for root in file_roots():
            if root.path.is_dir():
                tar.add(root.path, arcname=root.name)
    manifest = {
        "taken_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "rows": counts,
        "files": {path.name: _sha256(path) for path in (database_file, archive)},
        "roots": [root.name for root in file_roots()],
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    for path in target.iterdir():
        path.chmod(0o600)
    return manifest


def _manifest_parse(path: Path) -> dict[str, Any]:
    """The manifest as JSON, refused whole (a manifest cannot be read in part) with the line
    of its fault; it must name the files, the database and the rows."""
    try:
        manifest = json.loads(utf8_text(path.read_bytes(), source=path.name))
    except UnreadableInput as unreadable:
        raise BackupError(
            gettext("%(path)s: line %(line)s is not UTF-8 text: not a Relais backup")
            % {"path": path, "line": unreadable.line}
        ) from None
    except json.JSONDecodeError as fault:
        raise BackupError(
            gettext("%(path)s: line %(line)s, column %(column)s: not valid JSON (%(reason)s)")
            % {"path": path, "line": fault.lineno, "column": fault.colno, "reason": fault.msg}
        ) from None
    fields = {"files": dict, "database": str, "rows": dict}
    if not isinstance(manifest, dict) or any(
        not isinstance(manifest.get(key), kind) for key, kind in fields.items()
    ):
        raise BackupError(
            gettext("%(path)s lacks the files, database or rows of a Relais backup")
            % {"path": path}
        )
    return manifest


def manifest_read(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(
            gettext("%(path)s holds no %(manifest)s: not a Relais backup")
            % {"path": source, "manifest": MANIFEST}
        )
    manifest = _manifest_parse(path)
    for name, digest in manifest["files"].items():
        if not (source / name).is_file() or _sha256(source / name) != digest:
            raise BackupError(
                gettext("%(name)s does not match its SHA-256 in the manifest") % {"name": name}
            )
    return manifest


def _database_empty() -> bool:
    return not set(connection.introspection.table_names()) & {"django_migrations"}


def restore_read(source: Path) -> dict[str, Any]:
    """Restore the backup in `source` into the configured database, which must be empty, and
    its files into their directories, which must hold none; returns what was found: the rows
    counted again, whether they match the manifest, and the audit chain's verification."""
    manifest = manifest_read(source)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            gettext("A %(backup)s backup cannot be restored into %(vendor)s.")
            % {"backup": manifest["database"], "vendor": connection.vendor}
        )
    if not _database_empty():
        raise BackupError(gettext("The database is not empty: restore into a new one."))
    for root in file_roots():
        if root.path.is_dir() and any(root.path.iterdir()):
            raise BackupError(
                gettext("%(path)s is not empty: restore into a new data directory")
                % {"path": root.path}
            )
    if connection.vendor == "postgresql":
        database = connection.settings_dict["NAME"]
        dump = str(source / PG_DUMP)
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database, dump])
        connection.close()
    else:
        connection.ensure_connection()
        backup = sqlite3.connect(source / SQLITE_COPY)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    roots = {root.name: root.path for root in file_roots()}
    with tarfile.open(source / FILES, "r:gz") as tar:
        for member in tar.getmembers():
            top = member.name.split("/", 1)[0]
            if top in roots:
                relative = member.name[len(top) :].lstrip("/")
                roots[top].mkdir(parents=True, exist_ok=True, mode=0o700)
                if relative:
                    member.name = relative
                    tar.extract(member, roots[top], filter="data")
    counts = table_counts()
    broken = audit_verify_chain()
    return {
        "rows": counts,
        "rows_match": counts == manifest["rows"],
        "audit_chain_intact": broken is None,
        "audit_first_broken_entry": broken,
    }
