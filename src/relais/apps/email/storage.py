"""Attachments: checked for type and size, kept as files under `MAIL_DIR` (in the data
directory, outside the web root) under random names, read back only by `views.attachment`."""

from __future__ import annotations

import mimetypes
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from relais.apps.email.errors import ErrorCode
from relais.apps.errors import RelaisError

MB = 1024 * 1024


def attachments_check(files: Sequence[tuple[str, str, int]]) -> None:
    """Each (name, type, size) within the limits (settings `MAIL_*`), else `RelaisError`."""
    if len(files) > settings.MAIL_MAX_ATTACHMENTS:
        raise RelaisError(ErrorCode.TOO_MANY_ATTACHMENTS, limit=settings.MAIL_MAX_ATTACHMENTS)
    for name, content_type, size in files:
        if size > settings.MAIL_MAX_ATTACHMENT_MB * MB:
            raise RelaisError(
                ErrorCode.ATTACHMENT_TOO_LARGE, name=name, limit=settings.MAIL_MAX_ATTACHMENT_MB
            )
        if content_type_of(name, content_type) not in settings.MAIL_ATTACHMENT_TYPES:
            raise RelaisError(ErrorCode.ATTACHMENT_TYPE, value=content_type or name)


def content_type_of(name: str, declared: str) -> str:
    """The declared type, unless it is the vague `application/octet-stream`: then the name's."""
    if declared and declared != "application/octet-stream":
        return declared.lower()
    guessed, _ = mimetypes.guess_type(name)
    return (guessed or declared or "application/octet-stream").lower()


def attachment_store(payload: bytes) -> str:
    """Write the file (mode 0600) and return its stored name."""
    name = secrets.token_hex(16)
    stored_as = f"{name[:2]}/{name}"
    path = attachment_path(stored_as)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stored:
        stored.write(payload)
    return stored_as


def attachment_path(stored_as: str) -> Path:
    return Path(settings.MAIL_DIR) / stored_as
